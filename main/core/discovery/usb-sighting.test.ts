import { describe, expect, it } from 'vitest';
import { encodeDfuFunctionalDescriptor } from '../drivers/dfu/dfu-functional-descriptor';
import type { UsbDeviceInfo, UsbInterfaceInfo } from '../ports/usb-bus';
import { sightingFromUsbDevice } from './usb-sighting';
import { sightingFromUf2Drive } from './drive-sighting';
import { findDfuFunctionalDescriptor } from '../drivers/dfu/dfu-functional-descriptor';

const functional = findDfuFunctionalDescriptor(
  encodeDfuFunctionalDescriptor({
    canDownload: true,
    canUpload: true,
    isManifestationTolerant: true,
    willDetach: false,
    detachTimeoutMs: 1000,
    transferSizeBytes: 1024,
    dfuVersion: 0x0110,
  }),
)!;
const dfuInterface = (protocol: number): UsbInterfaceInfo => ({
  interfaceNumber: 0,
  alternateSetting: 0,
  interfaceClass: 0xfe,
  interfaceSubclass: 1,
  interfaceProtocol: protocol,
  dfuFunctional: functional,
});
const device = (interfaces: UsbInterfaceInfo[], extra: Partial<UsbDeviceInfo> = {}): UsbDeviceInfo => ({
  address: '1-4.2',
  deviceNumber: 9,
  vendorId: 0x1209,
  productId: 1,
  bcdDevice: 0x100,
  deviceClass: 0,
  serialNumber: 'FL-0001',
  product: 'Lab Sensor',
  configuration: { configurationValue: 1, interfaces },
  ...extra,
});

describe('sightings from USB devices and UF2 drives', () => {
  it('reports a DFU bootloader and a run-time device with the same serial as the same identifiers', () => {
    expect(sightingFromUsbDevice(device([dfuInterface(2)]))).toEqual({
      ok: true,
      report: {
        transport: 'usb',
        address: '1-4.2',
        identifiers: { serial: 'FL-0001' },
        model: 'Lab Sensor',
        protocol: 'dfu',
      },
    });
    const runtime = sightingFromUsbDevice(device([dfuInterface(1)], { productId: 2 }));
    expect(runtime).toMatchObject({
      ok: true,
      report: { protocol: 'runtime', identifiers: { serial: 'FL-0001' } },
    });
  });

  it('skips devices without a DFU interface with a reason, and leaves out a blank serial', () => {
    expect(sightingFromUsbDevice(device([{ ...dfuInterface(2), interfaceClass: 0x08 }]))).toEqual({
      ok: false,
      reason: 'USB device 1-4.2 (1209:0001) has no DFU interface',
    });
    expect(sightingFromUsbDevice(device([dfuInterface(2)], { serialNumber: '  ' }))).toMatchObject({
      ok: true,
      report: { identifiers: {} },
    });
  });

  it('takes a UF2 drive’s serial only from a serial line, never from Board-ID', () => {
    const info = { banner: 'UF2 Bootloader v3.0', model: 'Raspberry Pi RP2', boardId: 'RPI-RP2', fields: {} };
    expect(sightingFromUf2Drive({ folder: '/media/u/RPI-RP2', info })).toEqual({
      transport: 'drive',
      address: '/media/u/RPI-RP2',
      identifiers: {},
      model: 'Raspberry Pi RP2',
      protocol: 'uf2',
    });
    expect(
      sightingFromUf2Drive({ folder: '/x', info: { ...info, serialNumber: 'ABC' } }).identifiers,
    ).toEqual({ serial: 'ABC' });
  });
});
