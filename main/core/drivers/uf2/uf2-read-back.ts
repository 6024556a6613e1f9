import { createHash } from 'node:crypto';
import { AppError } from '../../../../shared/errors';
import { familyIdOf, Uf2Flag, type Uf2Block } from './uf2-block';
import { readUf2Image } from './uf2-image-reader';

/** The bytes a UF2 file writes into one family's main flash, and the same bytes read back from the board. */
export interface Uf2ReadBack {
  /** SHA-256 (hex) over the payloads the file writes, in block order. */
  writtenSha256: string;
  /** SHA-256 (hex) over the same address ranges of CURRENT.UF2. */
  readBackSha256: string;
  addressStart: number;
  addressEnd: number;
  blockCount: number;
}

/** The main-flash blocks of `familyId` (or without a family) that a board of that family programs (§4). */
export function blocksForFamily(blocks: readonly Uf2Block[], familyId: number): Uf2Block[] {
  return blocks.filter((block) => {
    if ((block.flags & Uf2Flag.NOT_MAIN_FLASH) !== 0) return false;
    const family = familyIdOf(block);
    return family === undefined || family === familyId;
  });
}

/**
 * Compares what a UF2 file writes with CURRENT.UF2 (the board's flash read back, protocols.md §4),
 * range by range, so bytes the file does not cover are not compared. FIRMWARE_VERIFY_FAILED names the
 * first address that differs.
 */
export function compareUf2ReadBack(
  written: readonly Uf2Block[],
  current: readonly Uf2Block[],
  familyId: number,
): Uf2ReadBack {
  const blocks = blocksForFamily(written, familyId);
  if (blocks.length === 0)
    throw new AppError(
      'INVALID_INPUT',
      `the UF2 file has no main-flash block for family 0x${familyId.toString(16)}`,
    );
  const addressStart = Math.min(...blocks.map((block) => block.targetAddress));
  const addressEnd = Math.max(...blocks.map((block) => block.targetAddress + block.payload.length));
  const flash = readUf2Image(current, {
    familyId,
    baseAddress: addressStart,
    lengthBytes: addressEnd - addressStart,
  });
  const writtenHash = createHash('sha256');
  const readHash = createHash('sha256');
  for (const block of blocks) {
    const offset = block.targetAddress - addressStart;
    const readBack = flash.subarray(offset, offset + block.payload.length);
    writtenHash.update(block.payload);
    readHash.update(readBack);
    const at = readBack.findIndex((byte, index) => byte !== block.payload[index]);
    if (at !== -1) {
      const address = block.targetAddress + at;
      throw new AppError(
        'FIRMWARE_VERIFY_FAILED',
        `CURRENT.UF2 differs from the file at address 0x${address.toString(16).padStart(8, '0')}`,
        { details: { address, blockNumber: block.blockNumber } },
      );
    }
  }
  return {
    writtenSha256: writtenHash.digest('hex'),
    readBackSha256: readHash.digest('hex'),
    addressStart,
    addressEnd,
    blockCount: blocks.length,
  };
}
