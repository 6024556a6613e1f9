import type { Device } from 'usb';
import { AppError } from '../../../shared/errors';
import type { Disposable } from '../../core/event-bus';
import type { Logger } from '../../core/ports/logger';
import type {
  UsbAvailability,
  UsbBus,
  UsbDeviceHandle,
  UsbDeviceInfo,
  UsbDeviceLocation,
} from '../../core/ports/usb-bus';
import { describeLibusbDevice, libusbAddress } from './libusb-device-info';
import { LibusbDeviceHandle } from './libusb-device-handle';
import { toUsbAppError } from './libusb-error';
import {
  loadUsbModule,
  type UsbModule,
  type UsbModuleLoad,
  type UsbModuleSources,
} from './usb-module-loader';

/**
 * The UsbBus port on the `usb` package (node-usb 2, libusb). The package is loaded on first use;
 * a machine without a USB bus or without the native binary is `USB_UNAVAILABLE`, logged once with its
 * reason: listing gives nothing, events never fire, opening fails with that code. Nothing crashes.
 */
export class LibusbUsbBus implements UsbBus {
  readonly #logger: Logger;
  readonly #sources: UsbModuleSources | undefined;
  readonly #attachListeners = new Set<(device: UsbDeviceInfo) => void>();
  readonly #detachListeners = new Set<(device: UsbDeviceInfo) => void>();
  /** Devices seen attached, by libusb address + device number, so that a detach can say what left. */
  readonly #known = new Map<string, UsbDeviceInfo>();
  readonly #openHandles = new Map<string, Set<LibusbDeviceHandle>>();
  #load: Promise<UsbModuleLoad> | undefined;
  #hotplug:
    { module: UsbModule; onAttach: (device: Device) => void; onDetach: (device: Device) => void } | undefined;

  constructor(options: { logger: Logger; sources?: UsbModuleSources }) {
    this.#logger = options.logger.child({ component: 'usb' });
    this.#sources = options.sources;
  }

  async availability(): Promise<UsbAvailability> {
    const load = await this.#loaded();
    return load.isAvailable
      ? { isAvailable: true }
      : { isAvailable: false, reason: load.reason, detail: load.detail };
  }

  async list(): Promise<UsbDeviceInfo[]> {
    const load = await this.#loaded();
    if (!load.isAvailable) return [];
    const devices: UsbDeviceInfo[] = [];
    for (const device of load.module.getDeviceList())
      devices.push(await describeLibusbDevice(device, this.#logger));
    return devices;
  }

  onAttach(listener: (device: UsbDeviceInfo) => void): Disposable {
    return this.#listen(this.#attachListeners, listener);
  }

  onDetach(listener: (device: UsbDeviceInfo) => void): Disposable {
    return this.#listen(this.#detachListeners, listener);
  }

  async open(location: UsbDeviceLocation): Promise<UsbDeviceHandle> {
    const load = await this.#loaded();
    if (!load.isAvailable)
      throw new AppError('USB_UNAVAILABLE', `USB is not available: ${load.detail}`, {
        details: { reason: load.reason },
      });
    const device = load.module
      .getDeviceList()
      .find(
        (candidate) =>
          libusbAddress(candidate) === location.address && candidate.deviceAddress === location.deviceNumber,
      );
    if (device === undefined)
      throw new AppError(
        'NOT_FOUND',
        `no USB device ${location.deviceNumber} at ${location.address} (unplugged or re-enumerated)`,
      );
    const info = await describeLibusbDevice(device, this.#logger);
    try {
      device.open();
    } catch (error: unknown) {
      throw toUsbAppError(error, `open USB device ${location.address}`);
    }
    const handle = new LibusbDeviceHandle(info, device, this.#logger);
    const key = keyOf(location);
    const handles = this.#openHandles.get(key) ?? new Set<LibusbDeviceHandle>();
    handles.add(handle);
    this.#openHandles.set(key, handles);
    handle.onClose(() => handles.delete(handle));
    return handle;
  }

  /** Stops hotplug listening so the process can exit; safe to call more than once. */
  close(): void {
    const hotplug = this.#hotplug;
    this.#hotplug = undefined;
    hotplug?.module.usb.off('attach', hotplug.onAttach);
    hotplug?.module.usb.off('detach', hotplug.onDetach);
    this.#attachListeners.clear();
    this.#detachListeners.clear();
  }

  #loaded(): Promise<UsbModuleLoad> {
    this.#load ??= loadUsbModule(this.#sources).then((load) => {
      if (load.isAvailable) this.#logger.info({}, 'USB available (libusb)');
      else this.#logger.warn({ reason: load.reason, detail: load.detail }, 'USB not available');
      return load;
    });
    return this.#load;
  }

  #listen(
    listeners: Set<(device: UsbDeviceInfo) => void>,
    listener: (device: UsbDeviceInfo) => void,
  ): Disposable {
    listeners.add(listener);
    void this.#startHotplug();
    return { dispose: () => listeners.delete(listener) };
  }

  async #startHotplug(): Promise<void> {
    const load = await this.#loaded();
    if (!load.isAvailable || this.#hotplug !== undefined) return;
    const onAttach = (device: Device): void => {
      describeLibusbDevice(device, this.#logger).then(
        (info) => {
          this.#known.set(keyOf(info), info);
          for (const listener of [...this.#attachListeners]) listener(info);
        },
        (error: unknown) =>
          this.#logger.warn({ error: String(error) }, 'could not describe an attached USB device'),
      );
    };
    const onDetach = (device: Device): void => {
      const key = `${libusbAddress(device)}#${device.deviceAddress}`;
      const info = this.#known.get(key);
      this.#known.delete(key);
      for (const handle of this.#openHandles.get(key) ?? []) handle.lost();
      if (info !== undefined) for (const listener of [...this.#detachListeners]) listener(info);
    };
    this.#hotplug = { module: load.module, onAttach, onDetach };
    load.module.usb.on('attach', onAttach);
    load.module.usb.on('detach', onDetach);
    // Hotplug must not keep a CLI or a test process alive on its own.
    load.module.usb.unrefHotplugEvents();
    for (const info of await this.list()) this.#known.set(keyOf(info), info);
  }
}

function keyOf(location: UsbDeviceLocation): string {
  return `${location.address}#${location.deviceNumber}`;
}
