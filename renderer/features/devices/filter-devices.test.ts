// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { makeDevice } from '../../test/fixtures';
import { filterDevices, hasDeviceFilters, NO_DEVICE_FILTERS } from './filter-devices';

const usb = { transport: 'usb', address: '1-2.3', lastSeenAt: '2025-01-02T03:04:05.000Z' } as const;
const serial = {
  transport: 'serial',
  address: '/dev/ttyACM0',
  lastSeenAt: '2025-01-02T03:04:05.000Z',
} as const;
const devices = [
  makeDevice({ id: 'dev-1', serial: 'SN-1', model: 'Gateway', state: 'new', sightings: [serial, usb] }),
  makeDevice({ id: 'dev-2', serial: null, model: null, state: 'in-service', sightings: [serial] }),
  makeDevice({ id: 'dev-3', serial: 'SN-3', model: 'Sensor', state: 'in-service', sightings: [] }),
];
const ids = (list: { id: string }[]): string[] => list.map((device) => device.id);

describe('filterDevices', () => {
  it('keeps the very same list when nothing filters', () => {
    expect(filterDevices(devices, NO_DEVICE_FILTERS)).toBe(devices);
    expect(hasDeviceFilters({ ...NO_DEVICE_FILTERS, query: '   ' })).toBe(false);
  });

  it('matches serial, id or model case-insensitively', () => {
    expect(ids(filterDevices(devices, { ...NO_DEVICE_FILTERS, query: 'gate' }))).toEqual(['dev-1']);
    expect(ids(filterDevices(devices, { ...NO_DEVICE_FILTERS, query: ' DEV-2 ' }))).toEqual(['dev-2']);
    expect(ids(filterDevices(devices, { ...NO_DEVICE_FILTERS, query: 'sn-' }))).toEqual(['dev-1', 'dev-3']);
  });

  it('filters by lifecycle state and by the transport a device is seen on', () => {
    expect(ids(filterDevices(devices, { ...NO_DEVICE_FILTERS, state: 'in-service' }))).toEqual([
      'dev-2',
      'dev-3',
    ]);
    expect(ids(filterDevices(devices, { ...NO_DEVICE_FILTERS, seenOn: 'usb' }))).toEqual(['dev-1']);
    expect(ids(filterDevices(devices, { ...NO_DEVICE_FILTERS, seenOn: 'serial' }))).toEqual([
      'dev-1',
      'dev-2',
    ]);
    expect(ids(filterDevices(devices, { ...NO_DEVICE_FILTERS, seenOn: 'not-connected' }))).toEqual(['dev-3']);
    expect(ids(filterDevices(devices, { query: 'sn', state: 'in-service', seenOn: 'serial' }))).toEqual([]);
  });
});
