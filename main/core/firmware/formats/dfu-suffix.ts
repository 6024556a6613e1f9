import { AppError } from '../../../../shared/errors';
import { DFU_SUFFIX_LENGTH, dfuFileCrc, hasDfuSuffix, parseDfuFile, type DfuSuffix as DriverDfuSuffix } from '../../drivers/dfu/dfu-suffix';
import { refusal } from '../firmware-refusal';

export { hasDfuSuffix } from '../../drivers/dfu/dfu-suffix';

/** bcdDFU values of real suffixes: DFU 1.0/1.1 files, and ST's DfuSe (protocols.md §3). */
const KNOWN_DFU_VERSIONS = new Set([0x0100, 0x0110, 0x011a]);

export type DfuSuffix = DriverDfuSuffix & { payloadBytes: number };

/**
 * Checks a DFU file (protocols.md §3) with the DFU driver's parser (`drivers/dfu/dfu-suffix.ts`:
 * "UFD" signature, bLength, CRC `~crc32(file[0..-4])`), restating its FIRMWARE_FILE_INVALID in the
 * refusal list's terms: IMAGE_CRC_MISMATCH when the CRC is what failed, IMAGE_INVALID otherwise,
 * IMAGE_TRUNCATED when the file cannot even hold a suffix. Also refuses unknown bcdDFU values and a
 * suffix with no firmware in front of it.
 */
export function parseDfuSuffix(bytes: Uint8Array): DfuSuffix {
  if (bytes.length < DFU_SUFFIX_LENGTH) throw refusal('IMAGE_TRUNCATED', 'DFU suffix', `${bytes.length} bytes cannot hold the 16-byte suffix`);
  let parsed: ReturnType<typeof parseDfuFile>;
  try {
    parsed = parseDfuFile(bytes);
  } catch (error: unknown) {
    if (!(error instanceof AppError) || error.code !== 'FIRMWARE_FILE_INVALID') throw error;
    throw new AppError(crcFails(bytes) ? 'IMAGE_CRC_MISMATCH' : 'IMAGE_INVALID', `DFU suffix: ${error.message}`, { details: { check: 'DFU suffix', ...error.details }, cause: error });
  }
  const { suffix, payload } = parsed;
  if (!KNOWN_DFU_VERSIONS.has(suffix.dfuVersion)) throw refusal('IMAGE_INVALID', 'DFU suffix', `bcdDFU 0x${suffix.dfuVersion.toString(16).padStart(4, '0')} is not a DFU version`);
  if (payload.length === 0) throw refusal('IMAGE_INVALID', 'DFU payload', 'the file holds a suffix and no firmware');
  return { ...suffix, payloadBytes: payload.length };
}

/** True when the file has a suffix whose stored CRC disagrees with its bytes. */
function crcFails(bytes: Uint8Array): boolean {
  if (!hasDfuSuffix(bytes)) return false;
  const stored = new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 4, 4).getUint32(0, true);
  return stored !== dfuFileCrc(bytes.subarray(0, bytes.length - 4));
}
