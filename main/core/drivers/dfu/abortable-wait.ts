import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../../../../shared/errors';

/** The error for a fired AbortSignal: its reason when that is an AppError, else CANCELLED. */
export function abortError(signal: AbortSignal | undefined): AppError {
  const reason: unknown = signal?.reason;
  if (reason instanceof AppError) return reason;
  return new AppError('CANCELLED', 'Cancelled', reason === undefined ? {} : { cause: reason });
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw abortError(signal);
}

/**
 * Waits `ms` (a device's bwPollTimeout, a boot delay), and never less: Node's timers may fire up to a
 * few milliseconds early (libuv measures from the start of the loop turn), so the remainder is slept
 * again by the monotonic clock. An abort ends the wait with the abort's error.
 */
export async function waitMs(ms: number, signal?: AbortSignal): Promise<void> {
  throwIfAborted(signal);
  const until = performance.now() + ms;
  for (let remaining = ms; remaining > 0; remaining = until - performance.now()) {
    try {
      await sleep(Math.ceil(remaining), undefined, signal === undefined ? undefined : { signal });
    } catch (error: unknown) {
      if (signal?.aborted === true) throw abortError(signal);
      throw error;
    }
  }
}
