import { familyIdOf, Uf2Flag, type Uf2Block } from './uf2-block';

/**
 * Lays the main-flash blocks of one family out as a flat image of `lengthBytes` from `baseAddress`
 * (protocols.md §4): blocks flagged "not main flash" and blocks of other families are left out,
 * bytes no block covers read as erased flash (0xFF). Used to compare CURRENT.UF2 with what was sent.
 */
export function readUf2Image(
  blocks: readonly Uf2Block[],
  region: { familyId?: number; baseAddress: number; lengthBytes: number },
): Uint8Array {
  const image = new Uint8Array(region.lengthBytes).fill(0xff);
  for (const block of blocks) {
    if ((block.flags & Uf2Flag.NOT_MAIN_FLASH) !== 0) continue;
    const family = familyIdOf(block);
    if (region.familyId !== undefined && family !== undefined && family !== region.familyId) continue;
    const start = block.targetAddress - region.baseAddress;
    const from = Math.max(0, -start);
    const to = Math.min(block.payload.length, region.lengthBytes - start);
    if (to > from) image.set(block.payload.subarray(from, to), start + from);
  }
  return image;
}
