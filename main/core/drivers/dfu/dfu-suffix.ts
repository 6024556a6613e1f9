import { crc32 } from 'node:zlib';
import { AppError } from '../../../../shared/errors';
import { checkU16 } from './u16-field';

/** The DFU file suffix (protocols.md §3): the last 16 bytes of a .dfu file, little-endian. */
export interface DfuSuffix {
  /** 0xFFFF in bcdDevice, productId or vendorId means "any". */
  bcdDevice: number;
  productId: number;
  vendorId: number;
  /** bcdDFU: 0x0100 for DFU 1.0/1.1 files, 0x011A for DfuSe. */
  dfuVersion: number;
  /** bLength: 16, or more when a vendor extends the suffix backwards. */
  lengthBytes: number;
  /** dwCRC as stored: the bitwise NOT of CRC-32 over the whole file except these 4 bytes. */
  crc: number;
}

export const DFU_SUFFIX_LENGTH = 16;
export const DFU_ANY_ID = 0xffff;
/** "UFD": "DFU" stored little-endian. */
const SIGNATURE = [0x55, 0x46, 0x44] as const;

/** The image to download and the suffix that came with it. */
export interface DfuFile {
  payload: Uint8Array;
  suffix: DfuSuffix;
}

/** `~zlib.crc32(bytes) >>> 0`: the dwCRC of a DFU suffix over `bytes`. */
export function dfuFileCrc(bytes: Uint8Array): number {
  return ~crc32(bytes) >>> 0;
}

/** True when the file ends in the "UFD" signature (whether or not its CRC holds). */
export function hasDfuSuffix(file: Uint8Array): boolean {
  const end = file.length;
  return (
    end >= DFU_SUFFIX_LENGTH &&
    file[end - 8] === SIGNATURE[0] &&
    file[end - 7] === SIGNATURE[1] &&
    file[end - 6] === SIGNATURE[2]
  );
}

/**
 * Splits a .dfu file into payload and suffix after checking the signature, bLength and CRC. Anything
 * wrong is FIRMWARE_FILE_INVALID naming what: the file is refused before a byte reaches a device.
 */
export function parseDfuFile(file: Uint8Array): DfuFile {
  if (file.length < DFU_SUFFIX_LENGTH)
    throw invalid(`a DFU file needs a ${DFU_SUFFIX_LENGTH}-byte suffix; this one has ${file.length} bytes`);
  if (!hasDfuSuffix(file)) throw invalid('the file does not end in a DFU suffix ("UFD" signature missing)');
  const view = new DataView(
    file.buffer,
    file.byteOffset + file.length - DFU_SUFFIX_LENGTH,
    DFU_SUFFIX_LENGTH,
  );
  const suffix: DfuSuffix = {
    bcdDevice: view.getUint16(0, true),
    productId: view.getUint16(2, true),
    vendorId: view.getUint16(4, true),
    dfuVersion: view.getUint16(6, true),
    lengthBytes: view.getUint8(11),
    crc: view.getUint32(12, true),
  };
  if (suffix.lengthBytes < DFU_SUFFIX_LENGTH || suffix.lengthBytes > file.length) {
    throw invalid(
      `DFU suffix bLength ${suffix.lengthBytes} is outside ${DFU_SUFFIX_LENGTH}..${file.length}`,
      { lengthBytes: suffix.lengthBytes },
    );
  }
  const expectedCrc = dfuFileCrc(file.subarray(0, file.length - 4));
  if (expectedCrc !== suffix.crc) {
    throw invalid(`DFU suffix CRC 0x${hex32(suffix.crc)} does not match the file (0x${hex32(expectedCrc)})`, {
      storedCrc: suffix.crc,
      computedCrc: expectedCrc,
    });
  }
  return { payload: file.subarray(0, file.length - suffix.lengthBytes), suffix };
}

/** Appends a 16-byte suffix with a fresh CRC; what `dfu-suffix -a` does. */
export function buildDfuFile(
  payload: Uint8Array,
  ids: Pick<DfuSuffix, 'bcdDevice' | 'productId' | 'vendorId'> & { dfuVersion?: number },
): Uint8Array {
  const file = new Uint8Array(payload.length + DFU_SUFFIX_LENGTH);
  file.set(payload);
  const view = new DataView(file.buffer, payload.length, DFU_SUFFIX_LENGTH);
  view.setUint16(0, checkU16(ids.bcdDevice, 'bcdDevice'), true);
  view.setUint16(2, checkU16(ids.productId, 'idProduct'), true);
  view.setUint16(4, checkU16(ids.vendorId, 'idVendor'), true);
  view.setUint16(6, checkU16(ids.dfuVersion ?? 0x0100, 'bcdDFU'), true);
  file.set(SIGNATURE, payload.length + 8);
  view.setUint8(11, DFU_SUFFIX_LENGTH);
  view.setUint32(12, dfuFileCrc(file.subarray(0, file.length - 4)), true);
  return file;
}

/** Whether the file was made for this device; 0xFFFF in the suffix matches anything. */
export function dfuSuffixMatchesDevice(
  suffix: DfuSuffix,
  device: { vendorId: number; productId: number; bcdDevice: number },
): boolean {
  const matches = (wanted: number, actual: number): boolean => wanted === DFU_ANY_ID || wanted === actual;
  return (
    matches(suffix.vendorId, device.vendorId) &&
    matches(suffix.productId, device.productId) &&
    matches(suffix.bcdDevice, device.bcdDevice)
  );
}

function invalid(message: string, details: Record<string, unknown> = {}): AppError {
  return new AppError('FIRMWARE_FILE_INVALID', message, { details: { format: 'dfu', ...details } });
}

function hex32(value: number): string {
  return value.toString(16).padStart(8, '0');
}
