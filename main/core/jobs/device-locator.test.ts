import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../../shared/contract';
import { ManualClock } from '../../test-support/manual-clock';
import { DeviceRegistry } from '../discovery/device-registry';
import { registryDeviceLocator } from './device-locator';
import {
  describeFlashEndpoint,
  protocolOfEndpoint,
  readFlashEndpoint,
  type FlashEndpoint,
} from './flash-endpoint';

describe('registryDeviceLocator', () => {
  it('lists every transport of one unit, serial first, with USB DFU by serial number and UF2 drives by folder', () => {
    const registry = new DeviceRegistry(new ManualClock(1_000), 3_000);
    registry.report({
      transport: 'usb',
      address: '1-4',
      identifiers: { serial: 'FL-0001' },
      protocol: 'dfu',
    });
    registry.report({
      transport: 'drive',
      address: '/media/u/FLDLAB',
      identifiers: { serial: 'FL-0001' },
      protocol: 'uf2',
    });
    const id = registry.report({
      transport: 'serial',
      address: '/dev/ttyACM0',
      identifiers: { hardwareId: 'a1b2', serial: 'FL-0001' },
      protocol: 'smp',
    });
    const located = registryDeviceLocator(registry, 921_600).locate(id!);
    expect(located).toEqual({
      hardwareId: 'a1b2',
      endpoints: [
        { kind: 'serial', path: '/dev/ttyACM0', baudRate: 921_600 },
        { kind: 'usb-dfu', serialNumber: 'FL-0001' },
        { kind: 'uf2-drive', folder: '/media/u/FLDLAB' },
      ],
    });
    expect(located.endpoints.map(protocolOfEndpoint)).toEqual(['smp', 'dfu', 'uf2']);
  });

  it('offers no DFU endpoint for a USB device without a serial number: it could not be followed across re-enumeration', () => {
    const registry = new DeviceRegistry(new ManualClock(1_000), 3_000);
    registry.report({
      transport: 'usb',
      address: '1-2',
      identifiers: { hardwareId: 'ff00' },
      protocol: 'dfu',
    });
    expect(registryDeviceLocator(registry).locate('hwid:FF00').endpoints).toEqual([]);
  });
});

describe('flash endpoints in the ledger', () => {
  it('read back what job.started recorded, and refuse anything else', () => {
    const endpoints: FlashEndpoint[] = [
      { kind: 'serial', path: '/dev/ttyACM0', baudRate: 115_200 },
      { kind: 'udp', address: '10.0.0.7', port: 1337 },
      { kind: 'usb-dfu', serialNumber: 'FL-0003' },
      { kind: 'uf2-drive', folder: '/media/u/RPI-RP2' },
    ];
    for (const endpoint of endpoints) expect(readFlashEndpoint({ ...endpoint })).toEqual(endpoint);
    expect(endpoints.map(describeFlashEndpoint)).toEqual([
      'serial:/dev/ttyACM0',
      'udp:10.0.0.7:1337',
      'usb-dfu:FL-0003',
      'uf2-drive:/media/u/RPI-RP2',
    ]);
    const bad: JsonValue[] = [
      null,
      'serial',
      [],
      { kind: 'usb-dfu', serialNumber: '' },
      { kind: 'uf2-drive' },
      { kind: 'ble' },
    ];
    for (const value of bad) expect(readFlashEndpoint(value)).toBeNull();
  });
});
