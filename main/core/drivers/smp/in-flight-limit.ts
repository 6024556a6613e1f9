import { AppError } from '../../../../shared/errors';
import { abortReason } from './abort-reason';

interface Waiter {
  resolve: () => void;
  reject: (error: AppError) => void;
}

/** At most `limit` operations at once; the others wait in order, and can be cancelled while waiting. */
export class InFlightLimit {
  readonly #limit: number;
  readonly #waiters: Waiter[] = [];
  #running = 0;

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new AppError('INVALID_INPUT', `in-flight limit must be a positive integer, got ${limit}`);
    this.#limit = limit;
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw abortReason(signal);
    if (this.#running < this.#limit) {
      this.#running += 1;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) this.#waiters.splice(index, 1);
        reject(abortReason(signal));
      };
      const waiter: Waiter = {
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      this.#waiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Hands the slot to the next waiter, or frees it. */
  release(): void {
    const next = this.#waiters.shift();
    if (next) next.resolve();
    else this.#running -= 1;
  }

  /** Fails every waiter (the link closed). */
  rejectWaiting(error: AppError): void {
    for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
  }
}
