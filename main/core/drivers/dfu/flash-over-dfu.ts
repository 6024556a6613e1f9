import type { UsbBus, UsbDeviceInfo } from '../../ports/usb-bus';
import { downloadFirmware, type DfuDownloadOptions, type DfuDownloadResult } from './dfu-download';
import { findDfuInterface } from './dfu-interface';
import { enterDfuMode, leaveDfuMode, type ModeSwitchOptions } from './dfu-mode-switch';
import { AppError } from '../../../../shared/errors';
import { bySerialNumber, waitForUsbDevice } from './wait-for-usb-device';

export type FlashOverDfuOptions = Omit<
  DfuDownloadOptions,
  'interfaceNumber' | 'alternateSetting' | 'functional'
> & {
  /** How long to wait for the device to appear, and for each re-enumeration (default 10 s). */
  reenumerationTimeoutMs?: number;
};

export interface FlashOverDfuResult {
  download: DfuDownloadResult;
  /** The device as it came back in run-time mode, found again by its serial number. */
  runtimeDevice: UsbDeviceInfo;
}

/**
 * The whole DFU journey for one device, followed by its iSerialNumber across re-enumerations
 * (protocols.md §3): run-time → DETACH → DFU mode (skipped when already there) → download, manifest,
 * verify → bus reset → run-time again with the new firmware.
 */
export async function flashOverDfu(
  bus: UsbBus,
  serialNumber: string,
  image: Uint8Array,
  options: FlashOverDfuOptions,
): Promise<FlashOverDfuResult> {
  const switchOptions: ModeSwitchOptions = {
    logger: options.logger,
    reenumerationTimeoutMs: options.reenumerationTimeoutMs ?? 10_000,
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const found = await waitForUsbDevice(
    bus,
    bySerialNumber(serialNumber, (device) => findDfuInterface(device) !== undefined),
    {
      timeoutMs: switchOptions.reenumerationTimeoutMs,
      description: `with serial ${serialNumber} and a DFU interface`,
      ...(options.signal ? { signal: options.signal } : {}),
    },
  );
  const dfuDevice =
    findDfuInterface(found)?.mode === 'dfu' ? found : await enterDfuMode(bus, found, switchOptions);
  const target = findDfuInterface(dfuDevice);
  if (target?.mode !== 'dfu')
    throw new AppError('DEVICE_PROTOCOL', `device ${serialNumber} did not come back in DFU mode`);
  const handle = await bus.open(dfuDevice, options.signal);
  let download: DfuDownloadResult;
  try {
    download = await downloadFirmware(handle, image, {
      ...options,
      interfaceNumber: target.interfaceNumber,
      alternateSetting: target.alternateSetting,
      functional: target.functional,
    });
  } catch (error: unknown) {
    await handle.close();
    throw error;
  }
  const runtimeDevice = await leaveDfuMode(bus, handle, {
    ...switchOptions,
    isAlreadyGone: download.endState === 'left-the-bus',
  });
  return { download, runtimeDevice };
}
