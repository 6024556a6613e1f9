import type { JobProgress, JobStep } from '../../../shared/contract';

/** How far back the rate looks: long enough to smooth pipelining bursts, short enough to follow a stall. */
const RATE_WINDOW_MS = 3_000;

/** Bytes done, rate and ETA of one job, from the offsets the device confirmed. */
export class ProgressTracker {
  readonly #jobId: string;
  readonly #deviceId: string;
  #samples: { atMs: number; bytes: number }[] = [];
  #step: JobStep = 'queued';
  #bytesDone = 0;
  #totalBytes = 0;

  constructor(jobId: string, deviceId: string) {
    this.#jobId = jobId;
    this.#deviceId = deviceId;
  }

  step(step: JobStep): void {
    this.#step = step;
  }

  bytes(bytesDone: number, totalBytes: number, atMs: number): void {
    // A resync or a start-over moves backwards: the rate restarts from there.
    if (bytesDone < this.#bytesDone || totalBytes !== this.#totalBytes) this.#samples = [];
    this.#bytesDone = bytesDone;
    this.#totalBytes = totalBytes;
    this.#samples.push({ atMs, bytes: bytesDone });
    while (this.#samples.length > 2 && atMs - this.#samples[0]!.atMs > RATE_WINDOW_MS) this.#samples.shift();
  }

  snapshot(): JobProgress {
    const first = this.#samples[0];
    const last = this.#samples.at(-1);
    const elapsedMs = first && last ? last.atMs - first.atMs : 0;
    const bytesPerSecond =
      first && last && elapsedMs > 0 ? ((last.bytes - first.bytes) * 1000) / elapsedMs : 0;
    const remaining = this.#totalBytes - this.#bytesDone;
    return {
      jobId: this.#jobId,
      deviceId: this.#deviceId,
      step: this.#step,
      bytesDone: this.#bytesDone,
      totalBytes: this.#totalBytes,
      bytesPerSecond: Math.round(bytesPerSecond),
      etaSeconds:
        bytesPerSecond > 0
          ? Math.round((remaining / bytesPerSecond) * 10) / 10
          : remaining === 0 && this.#totalBytes > 0
            ? 0
            : null,
    };
  }
}

/**
 * Batches progress of every job into one `jobs:progress` event per interval, carrying only the jobs
 * that moved: 16 jobs at full speed still make at most 1000 / intervalMs events a second for the UI.
 */
export class ProgressBatcher {
  readonly #intervalMs: number;
  readonly #emit: (jobs: JobProgress[]) => void;
  readonly #dirty = new Map<string, ProgressTracker>();
  #timer: NodeJS.Timeout | undefined;

  constructor(intervalMs: number, emit: (jobs: JobProgress[]) => void) {
    this.#intervalMs = intervalMs;
    this.#emit = emit;
  }

  touched(jobId: string, tracker: ProgressTracker): void {
    this.#dirty.set(jobId, tracker);
    if (this.#timer === undefined) {
      this.#timer = setTimeout(() => this.flush(), this.#intervalMs);
      this.#timer.unref();
    }
  }

  /** Sends what is pending now (a job ending flushes its last figures before its terminal event). */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#dirty.size === 0) return;
    const jobs = [...this.#dirty.values()].map((tracker) => tracker.snapshot());
    this.#dirty.clear();
    this.#emit(jobs);
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#dirty.clear();
  }
}
