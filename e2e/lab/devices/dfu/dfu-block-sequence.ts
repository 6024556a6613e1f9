/**
 * Where a DNLOAD or UPLOAD session stands (protocols.md §3): block numbers count up from 0 and wrap at
 * 16 bits, and each block continues at the byte where the previous one ended. A skipped or repeated
 * block number is refused rather than guessed at, so a host that loses count is caught.
 */
export class DfuBlockSequence {
  #nextBlock = 0;
  #offsetBytes = 0;

  get offsetBytes(): number {
    return this.#offsetBytes;
  }

  restart(): void {
    this.#nextBlock = 0;
    this.#offsetBytes = 0;
  }

  isNext(blockNumber: number): boolean {
    return blockNumber === this.#nextBlock;
  }

  /** Records one block of `lengthBytes`; returns the offset at which it starts. */
  advance(lengthBytes: number): number {
    const offset = this.#offsetBytes;
    this.#offsetBytes += lengthBytes;
    this.#nextBlock = (this.#nextBlock + 1) & 0xffff;
    return offset;
  }
}
