import { AppError } from '../../../../shared/errors';
import { decodeUf2File, familyIdOf, Uf2Flag, UF2_BLOCK_BYTES } from '../../drivers/uf2/uf2-block';
import { hex32, refusal } from '../firmware-refusal';

export { UF2_MAGIC_START0, UF2_MAGIC_START1 } from '../../drivers/uf2/uf2-block';

export interface Uf2FileSummary {
  blockCount: number;
  /** Family ids of the blocks that carry one (flag 0x2000). */
  familyIds: number[];
  /** Bytes written to main flash (blocks without flag 0x1). */
  payloadBytes: number;
  /** Lowest and one-past-highest main-flash address written; undefined when no block targets main flash. */
  addressStart: number | undefined;
  addressEnd: number | undefined;
}

/**
 * Validates a UF2 file as a whole (protocols.md §4). Each block is decoded by the UF2 driver's codec
 * (`drivers/uf2/uf2-block.ts`: magics, payload ≤ 476, block number < count); on top of that a file
 * must hold whole blocks, numbered 0…n−1 with a constant count (a file may concatenate such runs, one
 * per family), no empty payloads, nothing past 4 GiB, and no file-container blocks (not firmware).
 * Refusals: IMAGE_TRUNCATED for missing bytes or blocks, IMAGE_INVALID for the rest.
 */
export function parseUf2File(bytes: Uint8Array): Uf2FileSummary {
  if (bytes.length === 0) throw refusal('IMAGE_TRUNCATED', 'UF2 size', 'the file is empty');
  if (bytes.length % UF2_BLOCK_BYTES !== 0) {
    throw refusal('IMAGE_TRUNCATED', 'UF2 size', `${bytes.length} bytes is not a whole number of 512-byte blocks (last block has ${bytes.length % UF2_BLOCK_BYTES})`);
  }
  const summary: Uf2FileSummary = { blockCount: 0, familyIds: [], payloadBytes: 0, addressStart: undefined, addressEnd: undefined };
  const familyIds = new Set<number>();
  let expectedBlock = 0;
  let runLength = 0;
  for (const [index, block] of decodeBlocks(bytes).entries()) {
    const where = `UF2 block ${index} (offset ${index * UF2_BLOCK_BYTES})`;
    if ((block.flags & Uf2Flag.FILE_CONTAINER) !== 0) throw refusal('IMAGE_INVALID', where, 'is a file-container block (flag 0x1000), not firmware');
    if (block.payload.length === 0) throw refusal('IMAGE_INVALID', where, 'has an empty payload');
    if (expectedBlock === 0 && block.blockNumber === 0) runLength = block.blockCount;
    if (block.blockNumber !== expectedBlock || block.blockCount !== runLength) {
      throw refusal('IMAGE_INVALID', where, `is block ${block.blockNumber} of ${block.blockCount}, expected block ${expectedBlock} of ${runLength}`);
    }
    expectedBlock = block.blockNumber + 1 === block.blockCount ? 0 : block.blockNumber + 1;
    const familyId = familyIdOf(block);
    if (familyId !== undefined) familyIds.add(familyId);
    if ((block.flags & Uf2Flag.NOT_MAIN_FLASH) !== 0) continue;
    const end = block.targetAddress + block.payload.length;
    if (end > 0x1_0000_0000) throw refusal('IMAGE_INVALID', where, `writes past the 32-bit address space (${hex32(block.targetAddress)} + ${block.payload.length})`);
    summary.payloadBytes += block.payload.length;
    summary.addressStart = Math.min(summary.addressStart ?? block.targetAddress, block.targetAddress);
    summary.addressEnd = Math.max(summary.addressEnd ?? 0, end);
  }
  if (expectedBlock !== 0) throw refusal('IMAGE_TRUNCATED', 'UF2 block count', `the file ends after block ${expectedBlock - 1} of ${runLength}`);
  return { ...summary, blockCount: bytes.length / UF2_BLOCK_BYTES, familyIds: [...familyIds] };
}

/** The driver's codec, its FIRMWARE_FILE_INVALID restated as the IMAGE_INVALID of the refusal list. */
function decodeBlocks(bytes: Uint8Array): ReturnType<typeof decodeUf2File> {
  try {
    return decodeUf2File(bytes);
  } catch (error: unknown) {
    if (!(error instanceof AppError) || error.code !== 'FIRMWARE_FILE_INVALID') throw error;
    throw new AppError('IMAGE_INVALID', error.message, { details: { check: 'UF2 block', ...error.details }, cause: error });
  }
}
