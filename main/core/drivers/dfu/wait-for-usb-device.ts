import { AppError } from '../../../../shared/errors';
import type { UsbBus, UsbDeviceInfo } from '../../ports/usb-bus';
import { abortError } from './abortable-wait';

/**
 * Resolves with the first device on the bus that `matches`: one listed now, or the next one to attach
 * (a device re-enumerating after a detach or a reset). Listens before listing, so an attach between
 * the two is not missed. TIMEOUT after `timeoutMs`; an abort ends the wait with the abort's error.
 */
export async function waitForUsbDevice(
  bus: UsbBus,
  matches: (device: UsbDeviceInfo) => boolean,
  options: { timeoutMs: number; signal?: AbortSignal; description: string },
): Promise<UsbDeviceInfo> {
  const { signal } = options;
  if (signal?.aborted === true) throw abortError(signal);
  return new Promise<UsbDeviceInfo>((resolve, reject) => {
    let isSettled = false;
    const finish = (outcome: () => void): void => {
      if (isSettled) return;
      isSettled = true;
      clearTimeout(timer);
      subscription.dispose();
      signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    const offer = (device: UsbDeviceInfo): void => {
      if (matches(device)) finish(() => resolve(device));
    };
    const onAbort = (): void => finish(() => reject(abortError(signal)));
    const subscription = bus.onAttach(offer);
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(
            new AppError(
              'TIMEOUT',
              `no USB device ${options.description} appeared within ${options.timeoutMs} ms`,
            ),
          ),
        ),
      options.timeoutMs,
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    bus.list(signal).then(
      (devices) => devices.forEach(offer),
      (error: unknown) => finish(() => reject(error instanceof Error ? error : new Error(String(error)))),
    );
  });
}

/** Matches a device by its serial number string and, optionally, a predicate on the rest. */
export function bySerialNumber(
  serialNumber: string,
  also: (device: UsbDeviceInfo) => boolean = () => true,
): (device: UsbDeviceInfo) => boolean {
  return (device) => device.serialNumber === serialNumber && also(device);
}
