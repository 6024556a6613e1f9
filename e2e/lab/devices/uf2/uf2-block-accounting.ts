import { NOT_MAIN_FLASH, type LabUf2Block } from './uf2-lab-blocks';

/** Why a block did or did not count toward the copy. */
export type BlockVerdict = 'accepted' | 'duplicate' | 'foreign-family' | 'not-main-flash' | 'out-of-range';

/**
 * How a UF2 bootloader decides that a copy is complete (protocols.md §4): blocks count by their block
 * number, so they may arrive in any order and more than once; blocks of another family, blocks not
 * for main flash and blocks outside flash are ignored; the copy is complete when every number below
 * numBlocks has been seen. A block announcing a different numBlocks starts a new copy.
 */
export class Uf2BlockAccounting {
  #blockCount = 0;
  readonly #seen = new Set<number>();

  constructor(readonly region: { familyId: number; baseAddress: number; flashBytes: number }) {}

  consider(block: LabUf2Block): BlockVerdict {
    if ((block.flags & NOT_MAIN_FLASH) !== 0) return 'not-main-flash';
    if (block.familyId !== undefined && block.familyId !== this.region.familyId) return 'foreign-family';
    const offset = block.targetAddress - this.region.baseAddress;
    if (offset < 0 || offset + block.payload.length > this.region.flashBytes) return 'out-of-range';
    if (block.blockCount !== this.#blockCount) {
      this.#blockCount = block.blockCount;
      this.#seen.clear();
    }
    if (this.#seen.has(block.blockNumber)) return 'duplicate';
    this.#seen.add(block.blockNumber);
    return 'accepted';
  }

  get isComplete(): boolean {
    return this.#blockCount > 0 && this.#seen.size === this.#blockCount;
  }

  reset(): void {
    this.#blockCount = 0;
    this.#seen.clear();
  }
}
