import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteLedgerStore } from '../../adapters/ledger/sqlite-ledger-store';
import { ManualClock } from '../../test-support/manual-clock';
import { makeTempDir } from '../../test-support/temp-dir';
import { createCore, type Core } from '../create-core';
import { silentLogger } from '../ports/logger';

let dir: ReturnType<typeof makeTempDir>;
let store: SqliteLedgerStore;
let core: Core;
let clock: ManualClock;

beforeEach(() => {
  dir = makeTempDir();
  store = SqliteLedgerStore.open(`${dir.path}/ledger.db`);
  clock = new ManualClock(1_700_000_000_000);
  core = createCore({ ledgerStore: store, clock, logger: silentLogger }, { host: 'station', version: 't', dataDir: dir.path, platform: 'test' });
});
afterEach(() => {
  store.close();
  dir.remove();
});

const discover = (deviceId: string, model: string): void => {
  core.append({ actor: 'test', deviceId, type: 'device.discovered', payload: { model, serial: `SN-${deviceId}` } });
  clock.advance(1_000);
};

describe('devices:list with a query and devices:get', () => {
  it('answers a page from the ledger with totals, and sees later appends', async () => {
    for (const id of ['a', 'b', 'c']) discover(id, id === 'b' ? 'gateway' : 'sensor');
    const list = core.handlers['devices:list'];
    expect(await list({ offset: 0, limit: 2 })).toMatchObject({
      devices: [{ id: 'c' }, { id: 'b' }],
      total: 3,
      unfilteredTotal: 3,
      models: ['gateway', 'sensor'],
    });
    discover('d', 'gateway');
    const page = await list({ model: 'gateway', limit: 10 });
    expect(page.devices.map((device) => device.id)).toEqual(['d', 'b']);
    expect(page.total).toBe(2);
  });

  it('keeps the no-argument answer: every device, live-only ones first, without paging fields', async () => {
    discover('a', 'sensor');
    const liveId = core.registry.report({ transport: 'serial', address: '/dev/ttyACM0', identifiers: { serial: 'LIVE-1' } })!;
    const answer = await core.handlers['devices:list'](undefined);
    expect(answer.devices.map((device) => device.id)).toEqual([liveId, 'a']);
    expect(answer.total).toBeUndefined();
  });

  it('joins live sightings into the index and drops them when the device goes away', async () => {
    await core.handlers['devices:list']({ limit: 1 }); // builds the index before discovery reports anything
    const id = core.registry.report({ transport: 'serial', address: '/dev/ttyACM3', identifiers: { serial: 'SN-LIVE' }, model: 'sensor' })!;
    expect(await core.handlers['devices:list']({ seenOn: 'serial' })).toMatchObject({ devices: [{ id, serial: 'SN-LIVE' }] });
    // Discovery recorded it in the ledger, so once it is unplugged it stays listed as not connected.
    core.registry.lost('serial', '/dev/ttyACM3');
    clock.advance(10_000);
    core.tick();
    expect(await core.handlers['devices:list']({ seenOn: 'serial' })).toMatchObject({ devices: [], total: 0 });
    expect(await core.handlers['devices:get']({ deviceId: id })).toMatchObject({ device: { id, sightings: [] } });
  });

  it('answers devices:get with the device, or null for an id the station does not know', async () => {
    discover('a', 'sensor');
    expect(await core.handlers['devices:get']({ deviceId: 'a' })).toMatchObject({ device: { id: 'a', model: 'sensor', state: 'new' } });
    expect(await core.handlers['devices:get']({ deviceId: 'nope' })).toEqual({ device: null });
  });
});
