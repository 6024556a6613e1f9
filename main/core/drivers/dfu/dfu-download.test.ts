import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../ports/logger';
import type { DfuFunctionalDescriptor, UsbDeviceHandle } from '../../ports/usb-bus';
import { downloadFirmware } from './dfu-download';

/** A handle that fails the test if the driver sends anything: these cases must be refused up front. */
const untouchable = new Proxy({} as UsbDeviceHandle, {
  get: (_target, property) => () => {
    throw new Error(`the driver touched the device (${String(property)})`);
  },
});

const functional: DfuFunctionalDescriptor = {
  canDownload: true,
  canUpload: true,
  isManifestationTolerant: true,
  willDetach: false,
  detachTimeoutMs: 1000,
  transferSizeBytes: 1024,
  dfuVersion: 0x0110,
};

describe('DFU download driver, refusals before the first request (protocols.md §3)', () => {
  it.each([
    ['a device without bitCanDnload', { canDownload: false }, new Uint8Array(8), 'DEVICE_REJECTED'],
    ['wTransferSize 0', { transferSizeBytes: 0 }, new Uint8Array(8), 'DEVICE_PROTOCOL'],
    ['an empty image', {}, new Uint8Array(0), 'INVALID_INPUT'],
    [
      'a DfuSe device, whose block numbering differs',
      { dfuVersion: 0x011a },
      new Uint8Array(8),
      'NOT_IMPLEMENTED',
    ],
  ])('refuses %s', async (_name, override, image, code) => {
    const attempt = downloadFirmware(untouchable, image, {
      interfaceNumber: 0,
      functional: { ...functional, ...override },
      logger: silentLogger,
    });
    await expect(attempt).rejects.toMatchObject({ code });
  });
});
