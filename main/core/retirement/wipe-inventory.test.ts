import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../../shared/contract';
import type { StoredEvent } from '../ports/ledger-store';
import { retireHandler } from './retire-handler';
import { wipeInventory } from './wipe-inventory';

function event(type: string, payload: JsonValue): StoredEvent {
  return { id: type, stationId: 's', stationSeq: 1, hlc: '1', actor: 'a', deviceId: 'd', type, payload, prevHash: '', hash: '', position: 1 };
}

describe('wipeInventory', () => {
  it('collects setting names and file paths from every shape the ledger records, plus the extra ones, sorted and once', () => {
    const history = [
      event('config.applied', { settings: { 'wifi/ssid': 'x', 'wifi/psk': 'sha256:…' }, files: ['/lfs1/a.json', { path: '/lfs1/b.bin' }] }),
      event('config.applied', { settings: ['app/interval', { name: 'wifi/ssid' }], settingNames: ['log/level'] }),
      event('file.uploaded', { path: '/lfs1/c.txt' }),
      event('firmware.flashed', { settings: { ignored: 1 } }),
      event('config.applied', null),
    ];
    expect(wipeInventory(history, { settingNames: ['extra/one'], filePaths: ['/lfs1/a.json'] })).toEqual({
      settingNames: ['app/interval', 'extra/one', 'log/level', 'wifi/psk', 'wifi/ssid'],
      filePaths: ['/lfs1/a.json', '/lfs1/b.bin', '/lfs1/c.txt'],
    });
    expect(wipeInventory([])).toEqual({ settingNames: [], filePaths: [] });
  });
});

describe('devices:retire without the host ports', () => {
  it('answers NOT_IMPLEMENTED naming what is missing', () => {
    const handler = retireHandler(() => {
      throw new Error('not reached');
    }, undefined);
    expect(() => handler({ deviceId: 'hwid:01', method: 'clear' })).toThrow(/supplies no SMP device access and no station signing key/);
  });
});
