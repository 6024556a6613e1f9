import { performance } from 'node:perf_hooks';

export interface PacerOptions {
  /** Line rate in bits per second; 0 or absent passes bytes straight through. */
  baudRate?: number;
  /** Bits on the wire per byte: 10 for 8N1, 11 for 8E1 (quality.md, "deadline pacing"). */
  bitsPerByte?: number;
}

/** How closely the pacer kept to the line rate; benchmarks reject runs whose lag exceeds 1 %. */
export interface PacerStats {
  bytes: number;
  /** Largest delay of a release past the deadline of its first byte. */
  maxLagMs: number;
  /** Sum of those delays over all releases. */
  totalLagMs: number;
}

/**
 * Releases bytes no faster than a serial line would carry them (quality.md, "How the device lab makes
 * throughput honest"). A pseudo-terminal ignores baud, so each chunk is released no earlier than
 * `t0 + bytesSoFar × bitsPerByte / baud`: deadlines are computed from the start of the burst, not from
 * the previous timer, so timer slack never accumulates (a token bucket loses ~8 % at 2 Mbaud). An idle
 * line earns no credit: a new burst restarts the clock.
 */
export class DeadlinePacer {
  readonly #bytesPerMs: number;
  readonly #chunkBytes: number;
  readonly #queue: Uint8Array[] = [];
  readonly #release: (bytes: Uint8Array) => void;
  #queuedBytes = 0;
  #burstStartMs = 0;
  #burstBytes = 0;
  #timer: NodeJS.Timeout | undefined;
  #isStopped = false;
  readonly stats: PacerStats = { bytes: 0, maxLagMs: 0, totalLagMs: 0 };

  constructor(options: PacerOptions, release: (bytes: Uint8Array) => void) {
    const baud = options.baudRate ?? 0;
    this.#bytesPerMs = baud > 0 ? baud / (options.bitsPerByte ?? 10) / 1000 : Infinity;
    // About 1 ms of line time per chunk, so a chunk is released once per timer tick at most.
    this.#chunkBytes = Number.isFinite(this.#bytesPerMs)
      ? Math.max(1, Math.ceil(this.#bytesPerMs))
      : Infinity;
    this.#release = release;
  }

  push(bytes: Uint8Array): void {
    if (this.#isStopped || bytes.length === 0) return;
    if (!Number.isFinite(this.#bytesPerMs)) {
      this.stats.bytes += bytes.length;
      this.#release(bytes);
      return;
    }
    if (this.#queuedBytes === 0 && this.#timer === undefined) {
      const now = performance.now();
      // The previous burst is over on the wire: start a new one now.
      if (now >= this.#deadlineMs(0)) {
        this.#burstStartMs = now;
        this.#burstBytes = 0;
      }
    }
    this.#queue.push(bytes);
    this.#queuedBytes += bytes.length;
    this.#schedule();
  }

  /** Bytes accepted but not yet released. */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  /** Drops whatever is queued (the device reset) and keeps accepting new bytes. */
  clear(): void {
    this.#queue.length = 0;
    this.#queuedBytes = 0;
  }

  stop(): void {
    this.#isStopped = true;
    this.clear();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #deadlineMs(extraBytes: number): number {
    return this.#burstStartMs + (this.#burstBytes + extraBytes) / this.#bytesPerMs;
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#queuedBytes === 0 || this.#isStopped) return;
    const chunk = Math.min(this.#chunkBytes, this.#queuedBytes);
    const waitMs = this.#deadlineMs(chunk) - performance.now();
    this.#timer = setTimeout(() => this.#pump(), Math.max(0, waitMs));
  }

  #pump(): void {
    this.#timer = undefined;
    const now = performance.now();
    // Release every byte whose deadline has passed (timers fire late; catching up keeps the average exact).
    const due = Math.min(
      this.#queuedBytes,
      Math.floor((now - this.#burstStartMs) * this.#bytesPerMs) - this.#burstBytes,
    );
    if (due > 0) {
      // How late the timer fired: time past the deadline of the first byte released now.
      const lagMs = Math.max(0, now - this.#deadlineMs(1));
      this.stats.maxLagMs = Math.max(this.stats.maxLagMs, lagMs);
      this.stats.totalLagMs += lagMs;
      this.#burstBytes += due;
      this.stats.bytes += due;
      this.#release(this.#take(due));
    }
    this.#schedule();
  }

  #take(count: number): Uint8Array {
    const out = new Uint8Array(count);
    let filled = 0;
    while (filled < count) {
      const head = this.#queue[0]!;
      const part = Math.min(head.length, count - filled);
      out.set(head.subarray(0, part), filled);
      filled += part;
      if (part === head.length) this.#queue.shift();
      else this.#queue[0] = head.subarray(part);
    }
    this.#queuedBytes -= count;
    return out;
  }
}
