import { AppError } from '../../../../shared/errors';
import type { Logger } from '../../ports/logger';
import type { UsbBus, UsbDeviceHandle, UsbDeviceInfo } from '../../ports/usb-bus';
import { DfuInterfaceClient, DFU_REQUEST_TIMEOUT_MS } from './dfu-interface-client';
import { findDfuInterface, type DfuInterfaceTarget } from './dfu-interface';
import { bySerialNumber, waitForUsbDevice } from './wait-for-usb-device';

export interface ModeSwitchOptions {
  logger: Logger;
  /** How long a re-enumeration may take (boot time of the other mode). */
  reenumerationTimeoutMs: number;
  signal?: AbortSignal;
}

/** Resolves with the device once it is seen in `mode` (by the same iSerialNumber). */
export function waitForDfuMode(
  bus: UsbBus,
  serialNumber: string,
  mode: DfuInterfaceTarget['mode'] | 'any-runtime',
  options: ModeSwitchOptions,
): Promise<UsbDeviceInfo> {
  const isInMode = (device: UsbDeviceInfo): boolean => {
    const target = findDfuInterface(device);
    return mode === 'any-runtime' ? target?.mode !== 'dfu' : target?.mode === mode;
  };
  return waitForUsbDevice(bus, bySerialNumber(serialNumber, isInMode), {
    timeoutMs: options.reenumerationTimeoutMs,
    description: `with serial ${serialNumber} in ${mode} mode`,
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/**
 * Run-time → DFU mode (protocols.md §3): DFU_DETACH with wDetachTimeOut, then a bus reset unless the
 * device detaches by itself (bitWillDetach); resolves with the device re-enumerated in DFU mode.
 */
export async function enterDfuMode(
  bus: UsbBus,
  device: UsbDeviceInfo,
  options: ModeSwitchOptions,
): Promise<UsbDeviceInfo> {
  const target = findDfuInterface(device);
  if (target?.mode !== 'runtime')
    throw new AppError('DEVICE_PROTOCOL', `device ${device.address} offers no DFU run-time interface`);
  const serialNumber = requireSerial(device);
  const transferOptions = {
    timeoutMs: DFU_REQUEST_TIMEOUT_MS,
    ...(options.signal ? { signal: options.signal } : {}),
  };
  return whileWaitingFor(bus, serialNumber, 'dfu', options, async () => {
    const handle = await bus.open(device, options.signal);
    try {
      await handle.claimInterface(target.interfaceNumber);
      await new DfuInterfaceClient(handle, target.interfaceNumber).detach(
        target.functional.detachTimeoutMs,
        options.signal,
      );
      options.logger.info(
        { address: device.address, willDetach: target.functional.willDetach },
        'DFU_DETACH sent',
      );
      if (!target.functional.willDetach) await resetExpectingDeparture(handle, transferOptions);
    } finally {
      await handle.close();
    }
  });
}

/**
 * DFU → run-time: a bus reset ends DFU mode (dfuIDLE or dfuMANIFEST-WAIT-RESET); the device boots its
 * application and re-enumerates. Resolves with the run-time device found by the same serial.
 */
export async function leaveDfuMode(
  bus: UsbBus,
  handle: UsbDeviceHandle,
  options: ModeSwitchOptions & { isAlreadyGone: boolean },
): Promise<UsbDeviceInfo> {
  const serialNumber = requireSerial(handle.device);
  return whileWaitingFor(bus, serialNumber, 'any-runtime', options, async () => {
    try {
      if (!options.isAlreadyGone)
        await resetExpectingDeparture(handle, {
          timeoutMs: DFU_REQUEST_TIMEOUT_MS,
          ...(options.signal ? { signal: options.signal } : {}),
        });
    } finally {
      await handle.close();
    }
  });
}

/**
 * Starts waiting for the device in `mode` before `trigger` runs (so its re-attach cannot be missed),
 * and stops waiting when the trigger fails, leaving no timer behind.
 */
async function whileWaitingFor(
  bus: UsbBus,
  serialNumber: string,
  mode: DfuInterfaceTarget['mode'] | 'any-runtime',
  options: ModeSwitchOptions,
  trigger: () => Promise<void>,
): Promise<UsbDeviceInfo> {
  const stopWaiting = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stopWaiting.signal]) : stopWaiting.signal;
  const reappeared = waitForDfuMode(bus, serialNumber, mode, { ...options, signal });
  try {
    await trigger();
  } catch (error: unknown) {
    stopWaiting.abort();
    await reappeared.catch(() => undefined);
    throw error;
  }
  return reappeared;
}

/** A device that re-enumerates during the reset closes the handle under it: that is the expected outcome. */
async function resetExpectingDeparture(
  handle: UsbDeviceHandle,
  transferOptions: { timeoutMs: number; signal?: AbortSignal },
): Promise<void> {
  try {
    await handle.reset(transferOptions);
  } catch (error: unknown) {
    if (!(error instanceof AppError && (error.code === 'TRANSPORT_CLOSED' || error.code === 'NOT_FOUND')))
      throw error;
  }
}

function requireSerial(device: UsbDeviceInfo): string {
  if (device.serialNumber === undefined || device.serialNumber === '') {
    throw new AppError(
      'DEVICE_PROTOCOL',
      `device ${device.address} has no serial number, so it cannot be followed across re-enumeration`,
    );
  }
  return device.serialNumber;
}
