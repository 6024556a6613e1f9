import type { Device } from '../../../shared/contract';

/** Case-insensitive match on serial, id or model; an empty query keeps every device. */
export function filterDevices(devices: Device[], query: string): Device[] {
  const needle = query.trim().toLowerCase();
  if (needle === '') return devices;
  return devices.filter(
    (device) =>
      device.id.toLowerCase().includes(needle) ||
      (device.serial?.toLowerCase().includes(needle) ?? false) ||
      (device.model?.toLowerCase().includes(needle) ?? false),
  );
}
