import type { Device, LifecycleState, Transport } from '../../../shared/contract';

/** `not-connected`: devices known only from the ledger, seen on no transport right now. */
export type SeenOnFilter = Transport | 'not-connected' | 'any';

export interface DeviceFilters {
  /** Free text matched against serial, id and model. */
  query: string;
  state: LifecycleState | 'any';
  seenOn: SeenOnFilter;
}

export const NO_DEVICE_FILTERS: DeviceFilters = { query: '', state: 'any', seenOn: 'any' };

export function hasDeviceFilters(filters: DeviceFilters): boolean {
  return filters.query.trim() !== '' || filters.state !== 'any' || filters.seenOn !== 'any';
}

/**
 * The devices that pass every filter, in their order. One pass with the cheap checks first: the
 * list may hold 100,000 devices and must filter in under 200 ms (quality.md).
 */
export function filterDevices(devices: Device[], filters: DeviceFilters): Device[] {
  if (!hasDeviceFilters(filters)) return devices;
  const needle = filters.query.trim().toLowerCase();
  const { state, seenOn } = filters;
  return devices.filter(
    (device) =>
      (state === 'any' || device.state === state) &&
      isSeenOn(device, seenOn) &&
      (needle === '' || matchesQuery(device, needle)),
  );
}

function isSeenOn(device: Device, seenOn: SeenOnFilter): boolean {
  if (seenOn === 'any') return true;
  if (seenOn === 'not-connected') return device.sightings.length === 0;
  return device.sightings.some((sighting) => sighting.transport === seenOn);
}

/** Case-insensitive match on serial, id or model; `needle` is already lower-case. */
function matchesQuery(device: Device, needle: string): boolean {
  return (
    device.id.toLowerCase().includes(needle) ||
    (device.serial?.toLowerCase().includes(needle) ?? false) ||
    (device.model?.toLowerCase().includes(needle) ?? false)
  );
}
