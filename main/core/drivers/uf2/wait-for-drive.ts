import { AppError } from '../../../../shared/errors';
import type { Disposable } from '../../event-bus';
import type { Uf2Drive } from '../../ports/drive-watcher';

/** A pending wait for a drive event that can be given up without leaving a timer or a listener behind. */
export interface DriveEventWait {
  promise: Promise<Uf2Drive>;
  cancel(): void;
}

/**
 * Starts listening at once (so an event that follows the caller's next action is not missed) and
 * resolves with the first drive that `matches`; TIMEOUT after `timeoutMs`, the abort's error on abort.
 */
export function waitForDriveEvent(
  subscribe: (listener: (drive: Uf2Drive) => void) => Disposable,
  matches: (drive: Uf2Drive) => boolean,
  options: { timeoutMs: number; signal?: AbortSignal; timeoutMessage: string },
): DriveEventWait {
  let cancel: () => void = () => undefined;
  const promise = new Promise<Uf2Drive>((resolve, reject) => {
    const finish = (outcome: () => void): void => {
      clearTimeout(timer);
      subscription.dispose();
      options.signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    const onAbort = (): void =>
      finish(() =>
        reject(
          options.signal?.reason instanceof AppError
            ? options.signal.reason
            : new AppError('CANCELLED', 'Cancelled'),
        ),
      );
    const subscription = subscribe((drive) => {
      if (matches(drive)) finish(() => resolve(drive));
    });
    const timer = setTimeout(
      () => finish(() => reject(new AppError('TIMEOUT', options.timeoutMessage))),
      options.timeoutMs,
    );
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted === true) onAbort();
    cancel = () => finish(() => reject(new AppError('CANCELLED', 'no longer waiting')));
  });
  promise.catch(() => undefined);
  return { promise, cancel };
}
