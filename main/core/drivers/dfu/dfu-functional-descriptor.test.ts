import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AppError } from '../../../../shared/errors';
import type { DfuFunctionalDescriptor } from '../../ports/usb-bus';
import {
  decodeDfuFunctionalDescriptor,
  encodeDfuFunctionalDescriptor,
  findDfuFunctionalDescriptor,
} from './dfu-functional-descriptor';
import { describeUsbInterface } from './usb-interface-info';

const u16 = fc.integer({ min: 0, max: 0xffff });
const descriptorArbitrary: fc.Arbitrary<DfuFunctionalDescriptor> = fc.record({
  canDownload: fc.boolean(),
  canUpload: fc.boolean(),
  isManifestationTolerant: fc.boolean(),
  willDetach: fc.boolean(),
  detachTimeoutMs: u16,
  transferSizeBytes: u16,
  dfuVersion: u16,
});

describe('DFU functional descriptor (protocols.md §3)', () => {
  it('reads bmAttributes bits, wDetachTimeOut, wTransferSize and bcdDFUVersion', () => {
    const descriptor = decodeDfuFunctionalDescriptor(
      Uint8Array.of(9, 0x21, 0b1011, 0xe8, 0x03, 0x00, 0x08, 0x1a, 0x01),
    );
    expect(descriptor).toEqual({
      canDownload: true,
      canUpload: true,
      isManifestationTolerant: false,
      willDetach: true,
      detachTimeoutMs: 1000,
      transferSizeBytes: 2048,
      dfuVersion: 0x011a,
    });
  });

  it('accepts the 7-byte DFU 1.0 form as version 1.00', () => {
    expect(decodeDfuFunctionalDescriptor(Uint8Array.of(7, 0x21, 1, 0, 0, 0, 4)).dfuVersion).toBe(0x0100);
  });

  it('round-trips', () => {
    fc.assert(
      fc.property(descriptorArbitrary, (descriptor) => {
        expect(decodeDfuFunctionalDescriptor(encodeDfuFunctionalDescriptor(descriptor))).toEqual(descriptor);
      }),
    );
  });

  it('finds it among other class descriptors, and answers arbitrary bytes with a result or DEVICE_PROTOCOL', () => {
    const functional = encodeDfuFunctionalDescriptor({
      canDownload: true,
      canUpload: false,
      isManifestationTolerant: true,
      willDetach: false,
      detachTimeoutMs: 255,
      transferSizeBytes: 64,
      dfuVersion: 0x0110,
    });
    expect(findDfuFunctionalDescriptor(new Uint8Array([3, 0x24, 0, ...functional]))?.transferSizeBytes).toBe(
      64,
    );
    expect(findDfuFunctionalDescriptor(new Uint8Array(0))).toBeUndefined();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        try {
          findDfuFunctionalDescriptor(bytes);
        } catch (error: unknown) {
          expect((error as AppError).code).toBe('DEVICE_PROTOCOL');
        }
      }),
    );
  });

  it('lists an interface with a broken descriptor without its DFU details, and says why', () => {
    const described = describeUsbInterface({
      interfaceNumber: 0,
      alternateSetting: 0,
      interfaceClass: 0xfe,
      interfaceSubclass: 1,
      interfaceProtocol: 2,
      extra: Uint8Array.of(9, 0x21, 1),
    });
    expect(described.info.dfuFunctional).toBeUndefined();
    expect(described.problem).toMatch(/interface 0/);
  });
});
