import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventChainBuilder, rehash } from './helpers/event-chain';
import { enrollStation, errorOf, type StationClient } from './helpers/station-client';
import { startTestServer, type TestServer } from './helpers/test-server';

let server: TestServer;
let counter = 0;

/** A freshly enrolled station with an empty chain, so tests do not depend on each other. */
async function newStation(): Promise<{ station: StationClient; chain: EventChainBuilder }> {
  counter += 1;
  const stationId = `ingest-station-${counter}`;
  return { station: await enrollStation(server, stationId), chain: new EventChainBuilder(stationId) };
}

async function storedEventCount(stationId: string): Promise<number> {
  const rows = await server.db.query<{ n: unknown }>('SELECT count(*) AS n FROM events WHERE station_id = $1', [stationId]);
  return Number(rows[0]?.n);
}

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe('event ingest over mutual TLS', () => {
  it('stores a batch, assigns a global order, and reports the position to resume from', async () => {
    const { station, chain } = await newStation();
    chain.append({ deviceId: 'dev-a', type: 'device.discovered', payload: { model: 'nrf52', serial: 'A1' } });
    chain.append({ deviceId: 'dev-a', type: 'firmware.flashed', payload: { version: '1.2.0' } });
    const response = await station.sendBatch(chain.events);
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ stationId: station.stationId, acceptedThrough: 2, accepted: 2, duplicates: 0 });
    const ack = response.json as { firstGlobalSeq: number; lastGlobalSeq: number };
    expect(ack.lastGlobalSeq).toBe(ack.firstGlobalSeq + 1);
    const position = await station.request('GET', `/ingest/stations/${station.stationId}/position`);
    expect(position.json).toMatchObject({ acceptedThrough: 2, resumeFrom: 3, headHash: chain.events[1]?.hash });
  });

  it('treats a resend as a no-op counted as duplicates, including a resend overlapping new events', async () => {
    const { station, chain } = await newStation();
    chain.appendMany(3, 'dev-r');
    expect((await station.sendBatch(chain.events)).status).toBe(200);
    const again = await station.sendBatch(chain.events);
    expect(again.json).toMatchObject({ acceptedThrough: 3, accepted: 0, duplicates: 3, firstGlobalSeq: null });
    chain.appendMany(2, 'dev-r');
    const overlapping = await station.sendBatch(chain.events.slice(1));
    expect(overlapping.json).toMatchObject({ acceptedThrough: 5, accepted: 2, duplicates: 2 });
    expect(await storedEventCount(station.stationId)).toBe(5);
  });

  it('rejects a reused event id with a different body and keeps the first version', async () => {
    const { station, chain } = await newStation();
    const [first] = chain.appendMany(1, 'dev-i');
    expect((await station.sendBatch(chain.events)).status).toBe(200);
    const altered = rehash({ ...first!, payload: { changed: true } });
    const response = await station.sendBatch([altered]);
    expect(response.status).toBe(409);
    expect(errorOf(response).code).toBe('IDEMPOTENCY_CONFLICT');
    const history = await station.request('GET', '/devices/dev-i/history');
    expect((history.json as { events: { payload: unknown }[] }).events[0]?.payload).toEqual({ index: 0 });
  });

  it('answers a gap with SYNC_GAP and the stationSeq to resume from', async () => {
    const { station, chain } = await newStation();
    chain.appendMany(5);
    expect((await station.sendBatch(chain.events.slice(0, 2))).status).toBe(200);
    const response = await station.sendBatch(chain.events.slice(3));
    expect(response.status).toBe(409);
    expect(errorOf(response)).toMatchObject({ code: 'SYNC_GAP', details: { resumeFrom: 3, acceptedThrough: 2, batchStartsAt: 4 } });
    const resumed = await station.sendBatch(chain.events.slice(2));
    expect(resumed.json).toMatchObject({ acceptedThrough: 5, accepted: 3 });
  });

  it('rejects a batch that does not start from the genesis hash or forks the stored chain', async () => {
    const { station, chain } = await newStation();
    chain.appendMany(2);
    expect((await station.sendBatch(chain.events)).status).toBe(200);
    const other = new EventChainBuilder(station.stationId);
    other.appendMany(3);
    // Same positions 1-2 with different events: the station's history was rewritten.
    const rewritten = await station.sendBatch(other.events);
    expect(rewritten.status).toBe(409);
    expect(errorOf(rewritten)).toMatchObject({ code: 'SYNC_FORK', details: { stationSeq: 1, resumeFrom: 3 } });
    // A valid-looking continuation whose prevHash does not point at the stored head.
    const dangling = rehash({ ...other.events[2]!, prevHash: 'ab'.repeat(32) });
    const forked = await station.sendBatch([dangling]);
    expect(errorOf(forked)).toMatchObject({ code: 'SYNC_FORK', details: { expectedPrevHash: chain.events[1]?.hash, resumeFrom: 3 } });
  });

  it('rejects forged hashes and broken links inside a batch and stores none of it', async () => {
    const { station, chain } = await newStation();
    chain.appendMany(4, 'dev-f');
    const forged = chain.events.map((event, index) => (index === 2 ? { ...event, payload: { forged: true } } : event));
    const response = await station.sendBatch(forged);
    expect(response.status).toBe(422);
    expect(errorOf(response)).toMatchObject({ code: 'SYNC_CHAIN_INVALID', details: { index: 2, reason: 'hash-mismatch' } });
    const relinked = chain.events.map((event, index) => (index === 1 ? rehash({ ...event, prevHash: 'cd'.repeat(32) }) : event));
    const broken = await station.sendBatch(relinked);
    expect(errorOf(broken)).toMatchObject({ code: 'SYNC_CHAIN_INVALID', details: { index: 1, reason: 'broken-link' } });
    expect(await storedEventCount(station.stationId)).toBe(0);
  });

  it('applies nothing of a batch that fails half-way in the database', async () => {
    const { station, chain } = await newStation();
    const [stolen] = chain.appendMany(1, 'dev-p');
    expect((await station.sendBatch(chain.events)).status).toBe(200);
    const { station: other, chain: otherChain } = await newStation();
    otherChain.appendMany(3, 'dev-p');
    // The third event reuses an id the server holds from another station: the whole batch must go.
    const last = otherChain.events[2]!;
    const batch = [...otherChain.events.slice(0, 2), rehash({ ...last, id: stolen!.id })];
    const response = await other.sendBatch(batch);
    expect(errorOf(response).code).toBe('IDEMPOTENCY_CONFLICT');
    expect(await storedEventCount(other.stationId)).toBe(0);
    const position = await other.request('GET', `/ingest/stations/${other.stationId}/position`);
    expect(position.json).toMatchObject({ acceptedThrough: 0, resumeFrom: 1 });
    const device = await station.request('GET', '/devices/dev-p');
    expect(device.json).toMatchObject({ eventCount: 1 });
  });

  it('refuses malformed, out-of-order and oversized batches with typed errors', async () => {
    const { station, chain } = await newStation();
    chain.appendMany(3);
    const malformed = await station.sendBatch([{ ...chain.events[0], stationSeq: 'one' }]);
    expect(malformed.status).toBe(400);
    expect(errorOf(malformed).code).toBe('INVALID_INPUT');
    const outOfOrder = await station.sendBatch([chain.events[1], chain.events[0], chain.events[2]]);
    expect(errorOf(outOfOrder)).toMatchObject({ code: 'INVALID_INPUT', details: { index: 1, stationSeq: 1, expectedStationSeq: 3 } });
    const tooMany = new EventChainBuilder(station.stationId);
    tooMany.appendMany(501);
    const countResponse = await station.sendBatch(tooMany.events);
    expect(countResponse.status).toBe(400);
    const bigPayload = new EventChainBuilder(station.stationId);
    bigPayload.append({ deviceId: null, type: 'note.added', payload: { text: 'x'.repeat(70 * 1024) } });
    const payloadResponse = await station.sendBatch(bigPayload.events);
    expect(payloadResponse.status).toBe(413);
    expect(errorOf(payloadResponse).code).toBe('PAYLOAD_TOO_LARGE');
    const hugeBody = await station.request('POST', '/ingest/batches', { stationId: station.stationId, events: [], pad: 'x'.repeat(5 * 1024 * 1024) });
    expect(hugeBody.status).toBe(413);
    expect(errorOf(hugeBody).code).toBe('PAYLOAD_TOO_LARGE');
    expect(await storedEventCount(station.stationId)).toBe(0);
  });

  it('refuses a batch for another station than the certificate names', async () => {
    const { station } = await newStation();
    const { station: victim } = await newStation();
    const spoofed = new EventChainBuilder(victim.stationId);
    spoofed.appendMany(1);
    const response = await station.sendBatch(spoofed.events, victim.stationId);
    expect(response.status).toBe(403);
    expect(errorOf(response).code).toBe('STATION_UNKNOWN');
    expect(await storedEventCount(victim.stationId)).toBe(0);
    const position = await station.request('GET', `/ingest/stations/${victim.stationId}/position`);
    expect(position.status).toBe(403);
  });

  it('stores a batch exactly once when it is sent several times at once', async () => {
    const { station, chain } = await newStation();
    chain.appendMany(20, 'dev-c');
    const responses = await Promise.all(Array.from({ length: 5 }, () => station.sendBatch(chain.events)));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    const acks = responses.map((response) => response.json as { accepted: number; duplicates: number });
    expect(acks.reduce((sum, ack) => sum + ack.accepted, 0)).toBe(20);
    expect(await storedEventCount(station.stationId)).toBe(20);
  });

  it('projects a device consistently when two stations write about it at the same time', async () => {
    const [first, second] = await Promise.all([newStation(), newStation()]);
    first.chain.appendMany(30, 'dev-shared');
    second.chain.appendMany(30, 'dev-shared');
    await Promise.all([first.station.sendBatch(first.chain.events), second.station.sendBatch(second.chain.events)]);
    expect((await first.station.request('GET', '/devices/dev-shared')).json).toMatchObject({ eventCount: 60 });
  });
});
