import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventName } from '../../shared/contract';
import { SqliteLedgerStore } from '../adapters/ledger/sqlite-ledger-store';
import { ManualClock } from '../test-support/manual-clock';
import { makeTempDir } from '../test-support/temp-dir';
import { createCore, type Core } from './create-core';
import { silentLogger } from './ports/logger';

let dir: ReturnType<typeof makeTempDir>;
let store: SqliteLedgerStore;
let core: Core;
let clock: ManualClock;
let emitted: { name: EventName; payload: unknown }[];

beforeEach(() => {
  dir = makeTempDir();
  store = SqliteLedgerStore.open(`${dir.path}/ledger.db`);
  clock = new ManualClock(1_700_000_000_000);
  core = createCore({ ledgerStore: store, clock, logger: silentLogger }, { host: 'station', version: 't', dataDir: dir.path, platform: 'test' });
  emitted = [];
  core.events.onEvent((name, payload) => emitted.push({ name, payload }));
});
afterEach(() => {
  store.close();
  dir.remove();
});

const typesFor = (deviceId: string): string[] => core.ledger.deviceHistory(deviceId).map((event) => event.type);

describe('the composed core', () => {
  it('records discovery and identification once per device, not on every replug', () => {
    const report = { transport: 'serial' as const, address: '/dev/ttyACM0', identifiers: { hardwareId: 'abc', serial: 'SN1' }, model: 'm' };
    const id = core.registry.report(report)!;
    core.registry.lost('serial', '/dev/ttyACM0');
    clock.advance(10_000);
    core.tick();
    core.registry.report({ ...report, address: '/dev/ttyACM3' });
    expect(typesFor(id)).toEqual(['device.discovered', 'device.identified']);
  });

  it('lists a discovered device with where it is seen, and announces it', async () => {
    const id = core.registry.report({ transport: 'network', address: '127.0.0.1:1337', identifiers: { serial: 'SN2' }, firmwareVersion: '1.0.0' })!;
    const { devices } = await core.handlers['devices:list'](undefined);
    expect(devices).toMatchObject([{ id, state: 'new', firmwareVersion: '1.0.0', sightings: [{ transport: 'network', address: '127.0.0.1:1337' }] }]);
    expect(emitted.some((e) => e.name === 'devices:changed')).toBe(true);
    expect(emitted.some((e) => e.name === 'ledger:changed')).toBe(true);
  });

  it('shows the version a verified flash installed, though the open serial port is not probed again', async () => {
    const id = core.registry.report({ transport: 'serial', address: '/dev/ttyACM0', identifiers: { hardwareId: 'ab' }, firmwareVersion: '1.0.0' })!;
    core.append({ actor: 'station', deviceId: id, type: 'firmware.flashed', payload: { firmwareVersion: '2.1.0', imageHash: 'cd' } });
    const { devices } = await core.handlers['devices:list'](undefined);
    expect(devices).toMatchObject([{ id, firmwareVersion: '2.1.0' }]);
  });

  it('announces events another process wrote to the same ledger on the next tick', () => {
    const other = SqliteLedgerStore.open(`${dir.path}/ledger.db`);
    const otherCore = createCore({ ledgerStore: other, clock, logger: silentLogger }, { host: 'cli', version: 't', dataDir: dir.path, platform: 'test' });
    otherCore.append({ actor: 'cli', deviceId: 'dev-9', type: 'device.discovered', payload: {} });
    other.close();
    core.tick();
    expect(emitted.find((e) => e.name === 'ledger:changed')?.payload).toEqual({ eventCount: 1 });
    expect(emitted.find((e) => e.name === 'devices:changed')?.payload).toMatchObject({ upserted: [{ id: 'dev-9' }] });
    emitted.length = 0;
    core.tick();
    expect(emitted).toEqual([]);
  });

  it('pages ledger events newest first', async () => {
    for (let index = 0; index < 5; index += 1) core.append({ actor: 'a', deviceId: null, type: 'note.added', payload: { index } });
    const first = await core.handlers['ledger:list-events']({ limit: 2 });
    expect(first.events.map((e) => e.payload)).toEqual([{ index: 4 }, { index: 3 }]);
    const second = await core.handlers['ledger:list-events']({ limit: 2, before: first.nextBefore! });
    expect(second.events.map((e) => e.payload)).toEqual([{ index: 2 }, { index: 1 }]);
    const sync = await core.handlers['sync:status'](undefined);
    expect(sync).toMatchObject({ state: 'not-configured', pendingCount: 5 });
  });
});
