import { performance } from 'node:perf_hooks';

/**
 * Host timers fire on a millisecond grid and libuv measures from the start of the loop turn, so a
 * driver that sleeps exactly bwPollTimeout can arrive up to a couple of milliseconds "early" by this
 * device's clock. Polls within this margin count as on time.
 */
export const EARLY_POLL_TOLERANCE_MS = 2;

/**
 * One stretch of device work with a promised end and a real end (protocols.md §3, bwPollTimeout):
 * `announcedMs` is what GETSTATUS tells the host to wait, `actualMs` how long the flash really takes
 * (longer under the slow-flash fault), and `work` the state change itself (a file write). The window is
 * over when both the real time has passed and the work has finished.
 */
export class BusyWindow {
  readonly #announcedUntil: number;
  readonly #busyUntil: number;
  #isWorkDone = false;
  #workError: unknown = undefined;
  /** Settles when the work has (succeeded or failed); never rejects. */
  readonly done: Promise<void>;

  constructor(
    readonly announcedMs: number,
    actualMs: number,
    work: () => Promise<void>,
  ) {
    const now = performance.now();
    this.#announcedUntil = now + announcedMs;
    this.#busyUntil = now + Math.max(actualMs, announcedMs);
    this.done = work().then(
      () => {
        this.#isWorkDone = true;
      },
      (error: unknown) => {
        this.#workError = error ?? new Error('flash work failed');
        this.#isWorkDone = true;
      },
    );
  }

  /** Asked before the announced poll timeout ran out (beyond the timer tolerance). */
  isEarly(): boolean {
    return performance.now() < this.#announcedUntil - EARLY_POLL_TOLERANCE_MS;
  }

  isOver(): boolean {
    return this.#isWorkDone && performance.now() >= this.#busyUntil - EARLY_POLL_TOLERANCE_MS;
  }

  /** Milliseconds to announce in a reply while still busy: at least 1, so a driver never spins. */
  remainingMs(): number {
    return Math.max(1, Math.ceil(this.#busyUntil - performance.now()));
  }

  get failure(): unknown {
    return this.#workError;
  }
}
