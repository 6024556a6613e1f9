import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { startTestServer, type TestServer } from '../../fleet-server/tests/helpers/test-server';
import { HttpsFleetClient } from '../../main/adapters/fleet/https-fleet-client';
import type { TlsIdentity } from '../../main/adapters/fleet/https-json';
import { hashEvent } from '../../main/core/ledger/event-hash';
import { syncOutbox } from '../../main/core/sync/ledger-sync';
import { makeTempDir } from '../../main/test-support/temp-dir';
import { describeDelivery, enrollStation, localEventsOf, openStation, serverEventsOf, type OpenStation } from './fleet-station-fixture';
import { HostileTcpProxy } from './hostile-tcp-proxy';
import { fateDeck, seededRandom } from './seeded-fates';
import { ServerExchangeObserver } from './server-exchange-observer';

/** Replays a failing run: FIELDLINE_FAULT_SEED=<seed>. */
const SEED = Number(process.env['FIELDLINE_FAULT_SEED'] ?? 20_261_127);
/** The station gives up on a request after this long; a held request waits longer than that. */
const CLIENT_TIMEOUT_MS = 1_000;
const HOLD_MS = 1_800;
/** Events appended before each round of syncing: small rounds, and some that span several batches of 500. */
const ROUNDS = [30, 1, 90, 620, 5, 240, 60, 501, 15, 130, 45, 80, 3, 12, 200, 9, 33, 70, 2, 150, 18, 7];
const MAX_ATTEMPTS_PER_ROUND = 60;

const LIFECYCLE = ['device.discovered', 'firmware.flashed', 'certificate.enrolled', 'config.applied', 'device.commissioned', 'device.failed'];

let dir: ReturnType<typeof makeTempDir>;
let server: TestServer;
let observer: ServerExchangeObserver;
let proxy: HostileTcpProxy;
let station: OpenStation;
let tls: TlsIdentity;

beforeAll(async () => {
  dir = makeTempDir('fieldline-hostile-');
  server = await startTestServer();
  observer = new ServerExchangeObserver(server.app.server);
  proxy = await HostileTcpProxy.start({
    targetPort: server.port,
    observer,
    // Three in seven exchanges pass; each fault comes up once in every seven.
    chooseFate: fateDeck(SEED, ['pass', 'pass', 'pass', 'reset', 'lose-response', 'hold', 'trickle']),
    holdMs: HOLD_MS,
    trickle: { sliceBytes: 1_024, pauseMs: 2 },
  });
  station = openStation(dir.path);
  // Enrollment is not under test here: it goes to the server directly.
  tls = await enrollStation(server, dir.path, station.store.stationId);
}, 45_000);

afterAll(async () => {
  await proxy.close();
  observer.detach();
  await server.close();
  station.close();
  dir.remove();
});

function appendWork(count: number, random: () => number): void {
  for (let index = 0; index < count; index += 1) {
    const device = `hostile-${Math.floor(random() * 40)}`;
    const type = LIFECYCLE[Math.floor(random() * LIFECYCLE.length)] ?? 'device.discovered';
    station.ledger.append({ actor: 'tech', deviceId: device, type, payload: { model: 'nrf52840', serial: device, version: '1.2.0', note: 'x'.repeat(index % 200) } });
  }
}

async function duplicatesCounted(): Promise<number> {
  const metric = await server.context.metrics.eventsDuplicate.get();
  return metric.values.reduce((sum, sample) => sum + sample.value, 0);
}

describe('sync through a hostile network (dropped and lost messages, resets, late duplicates, trickles)', () => {
  // Most of its time is the station waiting out held requests; a busy CI machine needs the margin.
  it('delivers every event exactly once, and the faults really happened', async () => {
    const { store } = station;
    const client = new HttpsFleetClient(proxy.url, tls, CLIENT_TIMEOUT_MS);
    const random = seededRandom(SEED);
    let failures = 0;
    for (const count of ROUNDS) {
      appendWork(count, random);
      for (let attempt = 1; store.pendingOutboxCount() > 0; attempt += 1) {
        expect(attempt, `the outbox still holds ${store.pendingOutboxCount()} events`).toBeLessThanOrEqual(MAX_ATTEMPTS_PER_ROUND);
        try {
          await syncOutbox(store, client, AbortSignal.timeout(30_000));
        } catch (error: unknown) {
          // Network trouble is the only acceptable failure: a refusal would mean a resend was judged wrong.
          expect(error).toBeInstanceOf(AppError);
          expect((error as AppError).code, (error as AppError).message).toBe('FLEET_UNREACHABLE');
          failures += 1;
        }
      }
    }
    // Held requests still on their way arrive now, late, after everything newer.
    await proxy.settle();

    const local = localEventsOf(store);
    const held = await serverEventsOf(server, store.stationId);
    expect(local).toHaveLength(ROUNDS.reduce((sum, count) => sum + count, 0));
    expect(describeDelivery(held, local)).toEqual({ missing: 0, duplicated: 0, mismatched: 0, isExact: true });

    const faults = {
      exchanges: proxy.count('exchange'),
      resetOnConnect: proxy.count('reset-on-connect'),
      resetRequest: proxy.count('reset-request'),
      lostResponse: proxy.count('lost-response'),
      held: proxy.count('held'),
      reorderedLate: proxy.log.filter((event) => event.kind === 'released' && (event.overtakenBy ?? 0) > 0).length,
      trickled: proxy.count('trickled'),
      serverRequests: observer.handled.filter((request) => request.url === '/ingest/batches').length,
      duplicateEventsAtServer: await duplicatesCounted(),
      stationFailures: failures,
    };
    console.info(`hostile network (seed ${SEED}): ${JSON.stringify(faults)}`);
    expect(faults.resetOnConnect + faults.resetRequest).toBeGreaterThan(0);
    expect(faults.lostResponse).toBeGreaterThan(0);
    expect(faults.held).toBeGreaterThan(0);
    expect(faults.reorderedLate).toBeGreaterThan(0);
    expect(faults.trickled).toBeGreaterThan(0);
    // Lost answers and late requests reached the server as resends; it recognised every one.
    expect(faults.duplicateEventsAtServer).toBeGreaterThan(0);
    expect(faults.stationFailures).toBeGreaterThan(0);
  }, 50_000);

  it('refuses a reused event id with a different body (IDEMPOTENCY_CONFLICT), and accepts an identical resend', async () => {
    const { store } = station;
    const direct = new HttpsFleetClient(server.url, tls, 30_000);
    appendWork(5, seededRandom(SEED + 1));
    await syncOutbox(store, direct, AbortSignal.timeout(30_000));
    const before = await serverEventsOf(server, store.stationId);
    const [original] = store.listEvents({ limit: 1, before: 4 }).map(({ position: _position, ...event }): LedgerEvent => event);
    const newest = store.listEvents({ limit: 1 }).map(({ position: _position, ...event }): LedgerEvent => event)[0];
    if (original === undefined || newest === undefined) throw new Error('the station has no events');

    // The same event again is a resend: acknowledged, nothing stored twice.
    await expect(direct.sendBatch(store.stationId, [original], AbortSignal.timeout(10_000))).resolves.toEqual({ acceptedThrough: newest.stationSeq });

    // Same id and position, another body (correctly hashed, so only the server's idempotency check can catch it).
    const altered = rehash({ ...original, payload: { tampered: true } });
    await expect(direct.sendBatch(store.stationId, [altered], AbortSignal.timeout(10_000))).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });

    // A new position continuing the chain, but reusing an id the server already holds.
    const reusedId = rehash({ ...newest, stationSeq: newest.stationSeq + 1, prevHash: newest.hash, id: original.id, hlc: newest.hlc });
    await expect(direct.sendBatch(store.stationId, [reusedId], AbortSignal.timeout(10_000))).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });

    expect(await serverEventsOf(server, store.stationId)).toEqual(before);
  });
});

function rehash(event: LedgerEvent): LedgerEvent {
  const { hash: _hash, ...unhashed } = event;
  return { ...unhashed, hash: hashEvent(unhashed) };
}
