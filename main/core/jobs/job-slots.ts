import { AppError } from '../../../shared/errors';

/**
 * The station-wide limit on jobs running at once; the rest wait in order. A waiting job whose signal
 * fires (cancelled while queued) leaves the queue with that signal's reason.
 */
export class JobSlots {
  readonly #limit: number;
  readonly #waiting: { resolve: () => void; reject: (error: unknown) => void; signal: AbortSignal }[] = [];
  #running = 0;

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new AppError('INVALID_INPUT', `the parallel job limit must be a positive integer, not ${limit}`);
    this.#limit = limit;
  }

  get running(): number {
    return this.#running;
  }

  acquire(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    if (this.#running < this.#limit) {
      this.#running += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const entry = {
        resolve: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
        reject,
        signal,
      };
      const onAbort = (): void => {
        const index = this.#waiting.indexOf(entry);
        if (index >= 0) this.#waiting.splice(index, 1);
        reject(signal.reason as Error);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(entry);
    });
  }

  release(): void {
    const next = this.#waiting.shift();
    if (next) next.resolve();
    else this.#running -= 1;
  }
}
