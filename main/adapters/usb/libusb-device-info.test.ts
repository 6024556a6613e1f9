import type { Device } from 'usb';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../core/ports/logger';
import { describeLibusbDevice } from './libusb-device-info';

/** A logger that keeps what was warned, so a test can see that a bad descriptor was reported with its reason. */
function recordingLogger(): { logger: Logger; warnings: string[] } {
  const warnings: string[] = [];
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (fields, message) => warnings.push(`${message} ${JSON.stringify(fields)}`),
    error: () => undefined,
    child: () => logger,
  };
  return { logger, warnings };
}

/** The parts of a libusb Device that describeLibusbDevice reads; the rest is never touched. */
function fakeDevice(overrides: { configDescriptor?: () => unknown; extra?: number[]; serial?: string }): Device {
  const device = {
    busNumber: 1,
    portNumbers: [4],
    deviceAddress: 9,
    deviceDescriptor: { idVendor: 0x1209, idProduct: 0x0001, bcdDevice: 0x0100, bDeviceClass: 0, iManufacturer: 0, iProduct: 0, iSerialNumber: 3 },
    interfaces: undefined as unknown,
    open() {
      this.interfaces = [];
    },
    close() {
      this.interfaces = undefined;
    },
    getStringDescriptor(_index: number, callback: (error: Error | undefined, value?: string) => void) {
      callback(undefined, overrides.serial ?? 'SN-BROKEN');
    },
    get configDescriptor() {
      if (overrides.configDescriptor) return overrides.configDescriptor();
      return {
        bConfigurationValue: 1,
        interfaces: [[{ bInterfaceNumber: 0, bAlternateSetting: 0, bInterfaceClass: 0xfe, bInterfaceSubClass: 1, bInterfaceProtocol: 2, iInterface: 0, extra: Buffer.from(overrides.extra ?? []) }]],
      };
    },
  };
  return device as unknown as Device;
}

describe('describeLibusbDevice with broken descriptors', () => {
  it('keeps the device, leaves out a configuration descriptor that cannot be read, and says why', async () => {
    const { logger, warnings } = recordingLogger();
    const info = await describeLibusbDevice(
      fakeDevice({
        configDescriptor: () => {
          throw new Error('LIBUSB_ERROR_IO');
        },
      }),
      logger,
    );
    expect(info).toMatchObject({ address: '1-4', serialNumber: 'SN-BROKEN', configuration: { interfaces: [] } });
    expect(warnings).toEqual([expect.stringContaining('cannot read the USB configuration descriptor')]);
    expect(warnings[0]).toContain('LIBUSB_ERROR_IO');
  });

  it('lists a DFU interface whose functional descriptor is truncated without its DFU details, and warns', async () => {
    const { logger, warnings } = recordingLogger();
    // bLength 9 and type 0x21 (DFU functional), but only 4 bytes present.
    const info = await describeLibusbDevice(fakeDevice({ extra: [0x09, 0x21, 0x0b, 0xff] }), logger);
    expect(info.configuration.interfaces).toHaveLength(1);
    expect(info.configuration.interfaces[0]).toMatchObject({ interfaceClass: 0xfe, interfaceSubclass: 1 });
    expect(info.configuration.interfaces[0]?.dfuFunctional).toBeUndefined();
    expect(warnings).toEqual([expect.stringContaining('USB interface descriptor is malformed')]);
  });

  it('decodes the same interface when its functional descriptor is whole (the control case)', async () => {
    const { logger, warnings } = recordingLogger();
    // bLength 9, DFU functional, bmAttributes 0x0b, wDetachTimeOut 255, wTransferSize 1024, bcdDFU 1.1
    const info = await describeLibusbDevice(fakeDevice({ extra: [0x09, 0x21, 0x0b, 0xff, 0x00, 0x00, 0x04, 0x10, 0x01] }), logger);
    expect(info.configuration.interfaces[0]?.dfuFunctional).toMatchObject({ transferSizeBytes: 1024 });
    expect(warnings).toEqual([]);
  });
});
