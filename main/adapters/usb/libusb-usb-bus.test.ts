import { existsSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import type { Logger } from '../../core/ports/logger';
import { LibusbUsbBus } from './libusb-usb-bus';
import {
  LINUX_USB_DEVICES,
  loadUsbModule,
  systemUsbSources,
  type UsbModule,
  type UsbModuleSources,
} from './usb-module-loader';

/** A logger that keeps what it was told, to prove the unavailable state is logged once with its reason. */
function recordingLogger(): Logger & {
  entries: { level: string; fields: Record<string, unknown>; message: string }[];
} {
  const entries: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, message: string) =>
    entries.push({ level, fields, message });
  const logger = {
    entries,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => logger,
  };
  return logger;
}

const hasUsbBus = existsSync(LINUX_USB_DEVICES);

describe('libusb UsbBus adapter when there is no USB', () => {
  it.skipIf(process.platform !== 'linux' || hasUsbBus)(
    'on this machine (no /sys/bus/usb/devices): a logged "no-usb-bus" state, an empty list, USB_UNAVAILABLE on open',
    async () => {
      const logger = recordingLogger();
      const bus = new LibusbUsbBus({ logger });
      expect(await bus.availability()).toMatchObject({ isAvailable: false, reason: 'no-usb-bus' });
      expect(await bus.list()).toEqual([]);
      const subscription = bus.onAttach(() => undefined);
      subscription.dispose();
      await expect(bus.open({ address: '1-1', deviceNumber: 2 })).rejects.toMatchObject({
        code: 'USB_UNAVAILABLE',
        details: { reason: 'no-usb-bus' },
      });
      expect(logger.entries.filter((entry) => entry.message === 'USB not available')).toEqual([
        {
          level: 'warn',
          fields: { reason: 'no-usb-bus', detail: expect.stringContaining(LINUX_USB_DEVICES) as string },
          message: 'USB not available',
        },
      ]);
      bus.close();
    },
  );

  it('does not even load the native module on Linux without a USB bus', async () => {
    const importUsb = vi.fn<() => Promise<UsbModule>>();
    const load = await loadUsbModule({ platform: 'linux', pathExists: () => false, importUsb });
    expect(load).toMatchObject({ isAvailable: false, reason: 'no-usb-bus' });
    expect(importUsb).not.toHaveBeenCalled();
  });

  it('turns a native module that fails to load into "driver-unavailable", never a crash', async () => {
    const sources: UsbModuleSources = {
      platform: 'win32',
      pathExists: () => true,
      importUsb: () => Promise.reject(new Error('No native build was found')),
    };
    const bus = new LibusbUsbBus({ logger: recordingLogger(), sources });
    expect(await bus.availability()).toEqual({
      isAvailable: false,
      reason: 'driver-unavailable',
      detail: 'the usb package did not load: No native build was found',
    });
    expect(await bus.list()).toEqual([]);
    await expect(bus.open({ address: '1-1', deviceNumber: 1 })).rejects.toMatchObject({
      code: 'USB_UNAVAILABLE',
    });
  });

  it('loads the usb 2.x package itself here without throwing, and it lists nothing (why we chose major 2)', async () => {
    const usb = await systemUsbSources.importUsb();
    expect(typeof usb.getDeviceList).toBe('function');
    if (!hasUsbBus) expect(usb.getDeviceList()).toEqual([]);
  });

  it('lists through a module that loads, with no devices attached', async () => {
    const fake = { getDeviceList: () => [] } as unknown as UsbModule;
    const bus = new LibusbUsbBus({
      logger: recordingLogger(),
      sources: { platform: 'darwin', pathExists: () => true, importUsb: () => Promise.resolve(fake) },
    });
    expect(await bus.availability()).toEqual({ isAvailable: true });
    expect(await bus.list()).toEqual([]);
    await expect(bus.open({ address: '1-1', deviceNumber: 1 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
