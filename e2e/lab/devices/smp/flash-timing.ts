import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export interface FlashTimingOptions {
  /** Programming rate; 0 (default) makes flash instant, for protocol-efficiency runs. */
  writeBytesPerSecond?: number;
  /** Erase unit; 4 KiB erased on first touch is enough of a model (quality.md). */
  sectorBytes?: number;
  sectorEraseMs?: number;
}

/**
 * Models how long flash takes (quality.md, "Model the device"): a sector is erased the first time an
 * upload touches it, and bytes program at a fixed rate. Like the line pacer it keeps a running deadline,
 * so timer slack does not add up over thousands of writes.
 */
export class FlashTiming {
  #bytesPerMs: number;
  readonly #sectorBytes: number;
  readonly #sectorEraseMs: number;
  readonly #erasedSectors = new Set<number>();
  #busyUntilMs = 0;

  constructor(options: FlashTimingOptions = {}) {
    const rate = options.writeBytesPerSecond ?? 0;
    this.#bytesPerMs = rate > 0 ? rate / 1000 : Infinity;
    this.#sectorBytes = options.sectorBytes ?? 4096;
    this.#sectorEraseMs = options.sectorEraseMs ?? 0;
  }

  /** Flash that got slower (a slow-flash fault): programming continues at this rate. */
  setWriteRate(bytesPerSecond: number): void {
    this.#bytesPerMs = bytesPerSecond > 0 ? bytesPerSecond / 1000 : Infinity;
  }

  /** A new upload into the slot: every sector needs erasing again before it is written. */
  forgetErasedSectors(): void {
    this.#erasedSectors.clear();
  }

  /** Waits as long as programming `length` bytes at `offset` takes, erasing sectors first touched. */
  async program(offset: number, length: number): Promise<void> {
    let costMs = length / this.#bytesPerMs;
    for (
      let sector = Math.floor(offset / this.#sectorBytes);
      sector * this.#sectorBytes < offset + length;
      sector += 1
    ) {
      if (this.#erasedSectors.has(sector)) continue;
      this.#erasedSectors.add(sector);
      costMs += this.#sectorEraseMs;
    }
    await this.#spend(costMs);
  }

  /** Waits as long as erasing `length` bytes takes. */
  async erase(length: number): Promise<void> {
    this.#erasedSectors.clear();
    const sectors = Math.ceil(length / this.#sectorBytes);
    for (let sector = 0; sector < sectors; sector += 1) this.#erasedSectors.add(sector);
    await this.#spend(sectors * this.#sectorEraseMs);
  }

  async #spend(costMs: number): Promise<void> {
    if (costMs <= 0) return;
    const now = performance.now();
    this.#busyUntilMs = Math.max(this.#busyUntilMs, now) + costMs;
    const waitMs = this.#busyUntilMs - now;
    if (waitMs >= 1) await sleep(waitMs);
  }
}
