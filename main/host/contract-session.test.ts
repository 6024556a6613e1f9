import { afterEach, describe, expect, it } from 'vitest';
import { serverMessageSchema, type ServerMessage } from '../../shared/contract';
import { createCore, type Core } from '../core/create-core';
import { silentLogger } from '../core/ports/logger';
import { SqliteLedgerStore } from '../adapters/ledger/sqlite-ledger-store';
import { ManualClock } from '../test-support/manual-clock';
import { makeTempDir } from '../test-support/temp-dir';
import { serveContract } from './contract-session';
import { createDispatcher } from './dispatcher';
import { createInMemoryPair, type MessagePeer } from './message-peer';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A real core on a temporary ledger, served over an in-memory pair; returns the client end. */
function connect(): { client: MessagePeer; core: Core; received: ServerMessage[] } {
  const dir = makeTempDir();
  const store = SqliteLedgerStore.open(`${dir.path}/ledger.db`);
  cleanups.push(() => {
    store.close();
    dir.remove();
  });
  const core = createCore(
    { ledgerStore: store, clock: new ManualClock(1_000), logger: silentLogger },
    { host: 'station', version: '0.0.0-test', dataDir: dir.path, platform: 'test' },
  );
  const [client, server] = createInMemoryPair();
  serveContract(server, { dispatcher: createDispatcher(core.handlers, silentLogger), onEvent: (l) => core.events.onEvent(l) }, silentLogger);
  const received: ServerMessage[] = [];
  client.onMessage((text) => received.push(serverMessageSchema.parse(JSON.parse(text))));
  return { client, core, received };
}

async function until<T>(read: () => T | undefined): Promise<T> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const value = read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('condition not reached');
}

describe('serveContract over an in-memory pair', () => {
  it('answers each invoke under its id with an envelope', async () => {
    const { client, received, core } = connect();
    client.send(JSON.stringify({ type: 'invoke', id: 7, name: 'app:info', input: {} }));
    client.send(JSON.stringify({ type: 'invoke', id: 8, name: 'no:such-command', input: {} }));
    const info = await until(() => received.find((m) => m.type === 'result' && m.id === 7));
    const unknown = await until(() => received.find((m) => m.type === 'result' && m.id === 8));
    expect(info).toMatchObject({ envelope: { ok: true, value: { stationId: core.info.stationId, host: 'station' } } });
    expect(unknown).toMatchObject({ envelope: { ok: false, error: { code: 'UNKNOWN_COMMAND' } } });
  });

  it('pushes ledger, device and sync events when the core appends', async () => {
    const { received, core } = connect();
    core.append({ actor: 'alice', deviceId: 'dev-1', type: 'device.discovered', payload: { model: 'm' } });
    const devices = await until(() => received.find((m) => m.type === 'event' && m.name === 'devices:changed'));
    expect(devices).toMatchObject({ payload: { upserted: [{ id: 'dev-1', state: 'new', model: 'm' }], removedIds: [] } });
    expect(received.some((m) => m.type === 'event' && m.name === 'ledger:changed')).toBe(true);
    expect(received.some((m) => m.type === 'event' && m.name === 'sync:status-changed')).toBe(true);
  });

  it('drops malformed messages without answering or crashing, then keeps serving', async () => {
    const { client, received } = connect();
    for (const junk of ['not json', '{"type":"invoke"}', '[]', JSON.stringify({ type: 'invoke', id: -1, name: 'app:info' })]) client.send(junk);
    client.send(JSON.stringify({ type: 'invoke', id: 1, name: 'sync:status' }));
    const answer = await until(() => received.find((m) => m.type === 'result'));
    expect(answer).toMatchObject({ id: 1, envelope: { ok: true, value: { state: 'not-configured', pendingCount: 0 } } });
    expect(received.filter((m) => m.type === 'result')).toHaveLength(1);
  });

  it('stops forwarding events once the client closes', async () => {
    const { client, received, core } = connect();
    client.close();
    await new Promise((resolve) => setTimeout(resolve, 10));
    core.append({ actor: 'a', deviceId: null, type: 'note.added', payload: {} });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(received).toHaveLength(0);
  });
});
