import { describe, expect, it } from 'vitest';
import type { Device } from '../../../shared/contract';
import { DeviceIndex } from './device-index';

function device(id: string, overrides: Partial<Device> = {}): Device {
  return {
    id,
    state: 'new',
    model: 'nrf52840-dk',
    serial: `SN-${id}`,
    firmwareVersion: null,
    sightings: [],
    lastAction: 'device.discovered',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

const ids = (devices: Device[]): string[] => devices.map((entry) => entry.id);

describe('DeviceIndex', () => {
  it('pages the list most recently updated first, with the total and every known model', () => {
    const index = new DeviceIndex();
    for (let n = 0; n < 10; n += 1) index.upsert(device(`d${n}`, { updatedAt: `2026-01-01T00:00:0${n}.000Z`, model: n % 2 === 0 ? 'even' : 'odd' }));
    const page = index.query({ offset: 2, limit: 3 });
    expect(ids(page.devices)).toEqual(['d7', 'd6', 'd5']);
    expect(page).toMatchObject({ total: 10, unfilteredTotal: 10, models: ['even', 'odd'] });
    expect(index.query({ offset: 9, limit: 5 }).devices).toHaveLength(1);
    expect(index.query({ offset: 20, limit: 5 })).toMatchObject({ devices: [], total: 10 });
  });

  it('filters by state, model, transport and not-connected, and counts only the matches', () => {
    const index = new DeviceIndex();
    index.upsert(device('a', { state: 'provisioned', model: 'm1', sightings: [{ transport: 'usb', address: '1-1', lastSeenAt: 'x' }] }));
    index.upsert(device('b', { state: 'provisioned', model: 'm2', sightings: [{ transport: 'serial', address: '/dev/ttyACM0', lastSeenAt: 'x' }] }));
    index.upsert(device('c', { state: 'retired', model: 'm1' }));
    expect(ids(index.query({ state: 'provisioned' }).devices).sort()).toEqual(['a', 'b']);
    expect(ids(index.query({ state: 'provisioned', model: 'm1' }).devices)).toEqual(['a']);
    expect(ids(index.query({ seenOn: 'serial' }).devices)).toEqual(['b']);
    expect(ids(index.query({ seenOn: 'not-connected' }).devices)).toEqual(['c']);
    expect(index.query({ model: 'm1', limit: 1 })).toMatchObject({ total: 2, unfilteredTotal: 3 });
  });

  it('searches serial, hardware id and model case-insensitively, ignoring surrounding spaces', () => {
    const index = new DeviceIndex();
    index.upsert(device('hwid:ABC123', { serial: 'FL-0042', model: 'Gateway' }));
    index.upsert(device('hwid:DEF456', { serial: null, model: null }));
    expect(ids(index.query({ search: ' fl-00 ' }).devices)).toEqual(['hwid:ABC123']);
    expect(ids(index.query({ search: 'def4' }).devices)).toEqual(['hwid:DEF456']);
    expect(ids(index.query({ search: 'gateWAY' }).devices)).toEqual(['hwid:ABC123']);
    expect(index.query({ search: 'nothing' }).total).toBe(0);
  });

  it('sorts by a field either way up with missing values last and the id breaking ties', () => {
    const index = new DeviceIndex();
    index.upsert(device('b', { serial: 'S2' }));
    index.upsert(device('a', { serial: 'S2' }));
    index.upsert(device('c', { serial: null }));
    index.upsert(device('d', { serial: 'S1' }));
    expect(ids(index.query({ sort: { field: 'serial', direction: 'asc' } }).devices)).toEqual(['d', 'a', 'b', 'c']);
    expect(ids(index.query({ sort: { field: 'serial', direction: 'desc' } }).devices)).toEqual(['a', 'b', 'd', 'c']);
  });

  it('sees an upsert or a removal in the next query, including the model list', () => {
    const index = new DeviceIndex();
    index.upsert(device('a', { model: 'old' }));
    expect(index.query({}).models).toEqual(['old']);
    index.upsert(device('a', { model: 'new', updatedAt: '2026-02-01T00:00:00.000Z' }));
    index.upsert(device('b'));
    expect(index.query({}).models).toEqual(['new', 'nrf52840-dk']);
    expect(ids(index.query({}).devices)).toEqual(['a', 'b']);
    index.remove('a');
    index.remove('unknown');
    expect(index.query({})).toMatchObject({ total: 1, models: ['nrf52840-dk'] });
    expect(index.get('a')).toBeNull();
    expect(index.get('b')?.serial).toBe('SN-b');
  });
});
