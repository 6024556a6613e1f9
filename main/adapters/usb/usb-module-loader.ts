import { existsSync } from 'node:fs';
import type * as UsbPackage from 'usb';
import type { UsbAvailability } from '../../core/ports/usb-bus';

export type UsbModule = typeof UsbPackage;

export type UsbModuleLoad =
  { isAvailable: true; module: UsbModule } | (UsbAvailability & { isAvailable: false });

/** Where the loader looks; tests replace these to walk every branch on any machine. */
export interface UsbModuleSources {
  platform: NodeJS.Platform;
  pathExists: (path: string) => boolean;
  importUsb: () => Promise<UsbModule>;
}

/** The Linux sysfs folder libusb enumerates; absent in containers and on machines without a USB bus. */
export const LINUX_USB_DEVICES = '/sys/bus/usb/devices';

export const systemUsbSources: UsbModuleSources = {
  platform: process.platform,
  pathExists: existsSync,
  importUsb: async () => {
    const loaded = (await import('usb')) as UsbModule & { default?: UsbModule };
    return loaded.default ?? loaded;
  },
};

/**
 * Loads the `usb` package (node-usb 2.x: libusb with prebuilt N-API binaries) only when USB is first
 * needed, so that a machine without a bus or without the native binary gets a typed
 * "USB not available" state instead of a crash at startup. On Linux a missing /sys/bus/usb/devices is
 * checked first: node-usb 2 would load there and list nothing, node-usb 3 would throw.
 */
export async function loadUsbModule(sources: UsbModuleSources = systemUsbSources): Promise<UsbModuleLoad> {
  if (sources.platform === 'linux' && !sources.pathExists(LINUX_USB_DEVICES)) {
    return {
      isAvailable: false,
      reason: 'no-usb-bus',
      detail: `${LINUX_USB_DEVICES} does not exist (no USB bus, or a container without one)`,
    };
  }
  try {
    return { isAvailable: true, module: await sources.importUsb() };
  } catch (error: unknown) {
    return {
      isAvailable: false,
      reason: 'driver-unavailable',
      detail: `the usb package did not load: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
