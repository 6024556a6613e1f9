import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../fleet-server/tests/helpers/test-server';
import { SYNC_BATCH_SIZE } from '../../main/core/sync/ledger-sync';
import { makeTempDir } from '../../main/test-support/temp-dir';
import { runFieldline } from '../support/station-process';
import { describeDelivery, enrollStation, integrityCheck, localEventsOf, openStation, serverEventsOf } from './fleet-station-fixture';
import { HostileTcpProxy } from './hostile-tcp-proxy';
import { runStationChild, startStationChild, type ChildLine, type ChildOutcome } from './station-child-process';
import { ServerExchangeObserver } from './server-exchange-observer';

/**
 * The persistence steps of a sync pass, in order: the batch was read; the request went out and the
 * server stored it, but its answer had not arrived; the answer arrived but the outbox was not yet
 * updated; the outbox was updated.
 */
const STEPS = ['batch-read', 'request-sent', 'batch-answered', 'batch-acknowledged'] as const;
type KillStep = (typeof STEPS)[number];
interface KillPoint {
  step: KillStep;
  /** Which batch of the pass (1-based). */
  batch: number;
}

/**
 * Every step at every batch of a three-batch pass with FIELDLINE_LONG_TESTS=1 (12 kills); otherwise
 * every step at the second batch (4 kills): the first batch is then fully delivered and acknowledged,
 * so each kill also lands on a partly synced outbox.
 */
const isLong = process.env['FIELDLINE_LONG_TESTS'] === '1';
const BATCHES = isLong ? [1, 2, 3] : [2];
const KILL_POINTS: KillPoint[] = BATCHES.flatMap((batch) => STEPS.map((step) => ({ step, batch })));
const EVENTS_PER_PASS = SYNC_BATCH_SIZE * (Math.max(...BATCHES) - 1) + 37;

let dir: ReturnType<typeof makeTempDir>;
let server: TestServer;
let observer: ServerExchangeObserver;
let proxy: HostileTcpProxy;
let stationId: string;
/** Set while a child should die when its n-th answer starts coming back. */
let killOnAnswer: { remaining: number; kill: () => void } | null = null;

beforeAll(async () => {
  dir = makeTempDir('fieldline-kill-');
  server = await startTestServer();
  observer = new ServerExchangeObserver(server.app.server);
  proxy = await HostileTcpProxy.start({
    targetPort: server.port,
    observer,
    onResponseStart: () => {
      if (killOnAnswer === null) return 'forward';
      killOnAnswer.remaining -= 1;
      if (killOnAnswer.remaining > 0) return 'forward';
      // Killed first, and the answer is swallowed rather than the connection reset, so the child cannot
      // notice anything before it dies: it is killed with the request sent and the answer unheard.
      killOnAnswer.kill();
      killOnAnswer = null;
      return 'swallow';
    },
  });
  const station = openStation(dir.path);
  stationId = station.store.stationId;
  station.close();
  // Enrolled through the proxy, so the stored server URL is the proxy's: the child uses the product's
  // own connection from the data folder.
  await enrollStation(server, dir.path, stationId, proxy.url);
}, 45_000);

afterAll(async () => {
  killOnAnswer = null;
  await proxy.close();
  observer.detach();
  await server.close();
  dir.remove();
});

function appendEvents(count: number): void {
  const station = openStation(dir.path);
  try {
    for (let index = 0; index < count; index += 1) {
      station.ledger.append({ actor: 'tech', deviceId: `sweep-${index % 30}`, type: 'firmware.flashed', payload: { version: `1.${index % 7}.0` } });
    }
  } finally {
    station.close();
  }
}

function stepsOf(outcome: ChildOutcome): Extract<ChildLine, { step: unknown }>['step'][] {
  return outcome.lines.flatMap((line) => ('step' in line ? [line.step] : []));
}

/** Runs one sync pass in a child and kills it at `point`. */
async function killedPass(point: KillPoint): Promise<ChildOutcome> {
  const command = { mode: 'sync', dataDir: dir.path } as const;
  if (point.step !== 'request-sent') return runStationChild({ ...command, killAt: { kind: point.step, occurrence: point.batch } });
  const child = startStationChild(command);
  killOnAnswer = { remaining: point.batch, kill: () => child.process.kill('SIGKILL') };
  return child.exited;
}

/** After a crash: what the server holds is a prefix of the chain, held once, and the rest is still queued. */
async function expectNothingLostOrDuplicated(): Promise<{ held: number; queued: number }> {
  const station = openStation(dir.path);
  try {
    const local = localEventsOf(station.store);
    const held = await serverEventsOf(server, stationId);
    expect(describeDelivery(held, local.slice(0, held.length))).toMatchObject({ duplicated: 0, mismatched: 0, isExact: true });
    const queued = new Set(station.store.outboxBatch(Number.MAX_SAFE_INTEGER).map((event) => event.stationSeq));
    const notDelivered = local.filter((event) => event.stationSeq > held.length);
    expect(notDelivered.filter((event) => !queued.has(event.stationSeq))).toEqual([]);
    return { held: held.length, queued: queued.size };
  } finally {
    station.close();
  }
}

async function duplicatesCounted(): Promise<number> {
  const metric = await server.context.metrics.eventsDuplicate.get();
  return metric.values.reduce((sum, sample) => sum + sample.value, 0);
}

async function expectCleanRecovery(): Promise<void> {
  const recovery = await runStationChild({ mode: 'sync', dataDir: dir.path });
  expect(recovery.stderr).toBe('');
  expect(recovery.exitCode).toBe(0);
  expect(recovery.lines.at(-1)).toMatchObject({ done: { pendingAfter: 0 } });
  const station = openStation(dir.path);
  try {
    expect(station.store.pendingOutboxCount()).toBe(0);
    const delivery = describeDelivery(await serverEventsOf(server, stationId), localEventsOf(station.store));
    expect(delivery).toEqual({ missing: 0, duplicated: 0, mismatched: 0, isExact: true });
  } finally {
    station.close();
  }
}

describe('SIGKILL of the station at every persistence step of a sync, then restart', () => {
  it.each(KILL_POINTS)('killed at $step of batch $batch: integrity ok, nothing lost or duplicated after recovery', async (point) => {
    appendEvents(EVENTS_PER_PASS);
    const outcome = await killedPass(point);
    expect(outcome.signal, `the child was to die at ${point.step} #${point.batch}: ${outcome.stderr}`).toBe('SIGKILL');

    // It died exactly where it was meant to.
    const steps = stepsOf(outcome);
    const last = steps.at(-1);
    const expectedKind = point.step === 'request-sent' ? 'batch-read' : point.step;
    expect(last?.kind).toBe(expectedKind);
    expect(steps.filter((step) => step.kind === expectedKind)).toHaveLength(point.batch);

    expect(integrityCheck(dir.path)).toBe('ok');
    const { held } = await expectNothingLostOrDuplicated();
    const duplicatesBefore = await duplicatesCounted();
    await expectCleanRecovery();
    const resent = (await duplicatesCounted()) - duplicatesBefore;
    if (point.step === 'request-sent' || point.step === 'batch-answered') {
      // The server stored the batch, the station never recorded it: the restart resent it, and the
      // server recognised every event of it as a resend.
      const batch = steps.filter((step) => step.kind === 'batch-read').at(-1);
      expect(batch).toBeDefined();
      expect(held).toBeGreaterThanOrEqual(batch?.kind === 'batch-read' ? batch.lastSeq : Infinity);
      expect(resent).toBe(batch?.kind === 'batch-read' ? batch.count : -1);
    } else {
      expect(resent).toBe(0);
    }
  }, 40_000);

  it('killed while appending: the chain verifies, and every event it reported is kept and delivered', async () => {
    const before = (await serverEventsOf(server, stationId)).length;
    const child = startStationChild({ mode: 'append', dataDir: dir.path, count: 5_000 });
    let reported = 0;
    child.onLine((line) => {
      if (!('appended' in line)) return;
      reported = line.appended;
      // Killed from outside while it keeps appending: the kill lands between or inside appends.
      if (reported === before + 150) child.process.kill('SIGKILL');
    });
    const outcome = await child.exited;
    expect(outcome.signal).toBe('SIGKILL');
    expect(integrityCheck(dir.path)).toBe('ok');

    const report = JSON.parse(await runFieldline(['--data-dir', dir.path, '--json', 'ledger', 'verify'])) as { isIntact: boolean; eventsChecked: number };
    expect(report.isIntact).toBe(true);
    expect(report.eventsChecked).toBeGreaterThanOrEqual(reported);
    await expectNothingLostOrDuplicated();
    await expectCleanRecovery();
  }, 40_000);
});
