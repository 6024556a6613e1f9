import { AppError } from '../../../../shared/errors';
import { encodeUf2Block, Uf2Flag, UF2_BLOCK_BYTES, UF2_MAX_PAYLOAD_BYTES } from './uf2-block';

export interface Uf2BuildOptions {
  /** The board family (protocols.md §4), e.g. RP2040 0xe48bff56. */
  familyId: number;
  /** Flash address of the binary's first byte. */
  baseAddress: number;
  /** Bytes per block; 256 is what every bootloader accepts (RP2040's accepts nothing else). */
  payloadSizeBytes?: number;
}

/**
 * Converts a flat binary into a .uf2 file (what uf2conv.py does): one block per `payloadSizeBytes`
 * at consecutive addresses, each with the family id, numbered 0..n−1 of n. The last block is padded
 * with zeros to a full payload, as uf2conv does, because some bootloaders accept full blocks only.
 */
export function buildUf2File(binary: Uint8Array, options: Uf2BuildOptions): Uint8Array {
  const payloadSize = options.payloadSizeBytes ?? 256;
  if (binary.length === 0) throw new AppError('INVALID_INPUT', 'the binary is empty');
  if (!Number.isInteger(payloadSize) || payloadSize < 1 || payloadSize > UF2_MAX_PAYLOAD_BYTES) {
    throw new AppError('INVALID_INPUT', `payload size ${payloadSize} is outside 1..${UF2_MAX_PAYLOAD_BYTES}`);
  }
  const blockCount = Math.ceil(binary.length / payloadSize);
  const lastAddress = options.baseAddress + blockCount * payloadSize;
  if (!Number.isInteger(options.baseAddress) || options.baseAddress < 0 || lastAddress > 0x1_0000_0000) {
    throw new AppError(
      'INVALID_INPUT',
      `the binary does not fit the 32-bit address space from 0x${options.baseAddress.toString(16)}`,
    );
  }
  if (!Number.isInteger(options.familyId) || options.familyId < 0 || options.familyId > 0xffff_ffff) {
    throw new AppError('INVALID_INPUT', `family id ${options.familyId} is not a 32-bit number`);
  }
  const file = new Uint8Array(blockCount * UF2_BLOCK_BYTES);
  for (let blockNumber = 0; blockNumber < blockCount; blockNumber += 1) {
    const payload = new Uint8Array(payloadSize);
    payload.set(binary.subarray(blockNumber * payloadSize, (blockNumber + 1) * payloadSize));
    const block = encodeUf2Block({
      flags: Uf2Flag.FAMILY_ID_PRESENT,
      targetAddress: options.baseAddress + blockNumber * payloadSize,
      blockNumber,
      blockCount,
      familyIdOrFileSize: options.familyId,
      payload,
    });
    file.set(block, blockNumber * UF2_BLOCK_BYTES);
  }
  return file;
}
