import { AppError } from '../../shared/errors';
import type { UsbTransferOptions } from '../../main/core/ports/usb-bus';
import type { VirtualUsbReply } from './virtual-usb-function';

/**
 * Runs one control transfer against a simulated device the way a host controller does: the device's
 * reply, or TIMEOUT after `timeoutMs`, or the caller's abort, or TRANSPORT_CLOSED when the connection
 * ends (`lifetime` fires) first. A device that does not answer simply lets the timeout win. Every timer
 * and listener is removed when the transfer settles.
 */
export function runVirtualTransfer(
  start: () => Promise<VirtualUsbReply>,
  options: UsbTransferOptions,
  lifetime: AbortSignal,
): Promise<VirtualUsbReply> {
  const { signal } = options;
  if (lifetime.aborted) return Promise.reject(closedError(lifetime));
  if (signal?.aborted === true) return Promise.reject(abortError(signal));
  return new Promise<VirtualUsbReply>((resolve, reject) => {
    let isSettled = false;
    const settle = (outcome: () => void): void => {
      if (isSettled) return;
      isSettled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      lifetime.removeEventListener('abort', onClosed);
      outcome();
    };
    const onAbort = (): void => settle(() => reject(abortError(signal)));
    const onClosed = (): void => settle(() => reject(closedError(lifetime)));
    const timer = setTimeout(
      () =>
        settle(() =>
          reject(new AppError('TIMEOUT', `control transfer got no answer within ${options.timeoutMs} ms`)),
        ),
      options.timeoutMs,
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    lifetime.addEventListener('abort', onClosed, { once: true });
    start().then(
      (reply) => {
        if (reply.kind !== 'no-answer') settle(() => resolve(reply));
      },
      (error: unknown) => settle(() => reject(error instanceof Error ? error : new Error(String(error)))),
    );
  });
}

function abortError(signal: AbortSignal | undefined): AppError {
  const reason: unknown = signal?.reason;
  return reason instanceof AppError ? reason : new AppError('CANCELLED', 'Cancelled', { cause: reason });
}

function closedError(lifetime: AbortSignal): AppError {
  const reason: unknown = lifetime.reason;
  return reason instanceof AppError ? reason : new AppError('TRANSPORT_CLOSED', 'the USB device is closed');
}
