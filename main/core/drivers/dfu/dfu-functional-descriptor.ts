import { AppError } from '../../../../shared/errors';
import { checkU16 } from './u16-field';
import type { DfuFunctionalDescriptor } from '../../ports/usb-bus';

/** bDescriptorType of the DFU functional descriptor (protocols.md §3). */
export const DFU_FUNCTIONAL_DESCRIPTOR_TYPE = 0x21;
const FULL_LENGTH = 9;
/** DFU 1.0 devices may end the descriptor before bcdDFUVersion. */
const SHORT_LENGTH = 7;

const CAN_DOWNLOAD = 0x01;
const CAN_UPLOAD = 0x02;
const MANIFESTATION_TOLERANT = 0x04;
const WILL_DETACH = 0x08;

/** Decodes one functional descriptor: bLength, bDescriptorType 0x21, bmAttributes, wDetachTimeOut, wTransferSize, bcdDFUVersion. */
export function decodeDfuFunctionalDescriptor(bytes: Uint8Array): DfuFunctionalDescriptor {
  const length = bytes[0] ?? 0;
  if (
    bytes.length < SHORT_LENGTH ||
    (length !== FULL_LENGTH && length !== SHORT_LENGTH) ||
    bytes.length < length
  ) {
    throw new AppError(
      'DEVICE_PROTOCOL',
      `DFU functional descriptor has bLength ${length} in ${bytes.length} bytes`,
      { details: { length } },
    );
  }
  if (bytes[1] !== DFU_FUNCTIONAL_DESCRIPTOR_TYPE) {
    throw new AppError(
      'DEVICE_PROTOCOL',
      `descriptor type 0x${(bytes[1] ?? 0).toString(16)} is not a DFU functional descriptor`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, length);
  const attributes = view.getUint8(2);
  return {
    canDownload: (attributes & CAN_DOWNLOAD) !== 0,
    canUpload: (attributes & CAN_UPLOAD) !== 0,
    isManifestationTolerant: (attributes & MANIFESTATION_TOLERANT) !== 0,
    willDetach: (attributes & WILL_DETACH) !== 0,
    detachTimeoutMs: view.getUint16(3, true),
    transferSizeBytes: view.getUint16(5, true),
    dfuVersion: length === FULL_LENGTH ? view.getUint16(7, true) : 0x0100,
  };
}

export function encodeDfuFunctionalDescriptor(descriptor: DfuFunctionalDescriptor): Uint8Array {
  const bytes = new Uint8Array(FULL_LENGTH);
  const view = new DataView(bytes.buffer);
  const attributes =
    (descriptor.canDownload ? CAN_DOWNLOAD : 0) |
    (descriptor.canUpload ? CAN_UPLOAD : 0) |
    (descriptor.isManifestationTolerant ? MANIFESTATION_TOLERANT : 0) |
    (descriptor.willDetach ? WILL_DETACH : 0);
  view.setUint8(0, FULL_LENGTH);
  view.setUint8(1, DFU_FUNCTIONAL_DESCRIPTOR_TYPE);
  view.setUint8(2, attributes);
  view.setUint16(3, checkU16(descriptor.detachTimeoutMs, 'wDetachTimeOut'), true);
  view.setUint16(5, checkU16(descriptor.transferSizeBytes, 'wTransferSize'), true);
  view.setUint16(7, checkU16(descriptor.dfuVersion, 'bcdDFUVersion'), true);
  return bytes;
}

/**
 * Finds the DFU functional descriptor among the class-specific descriptors that follow an interface
 * descriptor (libusb's `extra`). Returns undefined when there is none; a broken descriptor chain is
 * DEVICE_PROTOCOL.
 */
export function findDfuFunctionalDescriptor(extra: Uint8Array): DfuFunctionalDescriptor | undefined {
  let offset = 0;
  while (offset < extra.length) {
    const length = extra[offset] ?? 0;
    if (length < 2 || offset + length > extra.length) {
      throw new AppError('DEVICE_PROTOCOL', `class descriptor at byte ${offset} has bLength ${length}`, {
        details: { offset, length },
      });
    }
    if (extra[offset + 1] === DFU_FUNCTIONAL_DESCRIPTOR_TYPE)
      return decodeDfuFunctionalDescriptor(extra.subarray(offset, offset + length));
    offset += length;
  }
  return undefined;
}
