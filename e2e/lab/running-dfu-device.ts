import { DfuLabDevice } from './devices/dfu/dfu-lab-device';
import type { DfuLabDeviceOptions } from './devices/dfu/dfu-lab-device-config';
import type { VirtualUsbBus } from './virtual-usb-bus';

/**
 * Where a lab DFU device is: a port of the lab's virtual USB bus. The bus is in memory, so only code in
 * the lab's own process (tests, benchmarks) can see it; a separate station process cannot.
 */
export interface UsbLabAddress {
  kind: 'usb';
  bus: 'lab-virtual';
  /** Bus-port path, as `UsbDeviceInfo.address` names it (`1-1`). */
  address: string;
  vendorId: number;
  /** The PID of the identity it runs now: the bootloader's in DFU mode, the application's in run-time. */
  productId: number;
  mode: 'dfu' | 'runtime';
  serialNumber: string;
}

/** A lab DFU device plugged into the lab's virtual bus; `stop()` unplugs it and waits for its flash writes. */
export interface RunningDfuDevice {
  family: 'dfu';
  name: string;
  stateDir: string;
  readonly address: UsbLabAddress;
  device: DfuLabDevice;
  stop(): Promise<void>;
}

export async function startDfuDevice(
  name: string,
  bus: VirtualUsbBus,
  usbPort: string,
  options: DfuLabDeviceOptions,
): Promise<RunningDfuDevice> {
  const device = await DfuLabDevice.create(options);
  bus.plug(device, usbPort);
  return {
    family: 'dfu',
    name,
    stateDir: options.stateDir,
    get address(): UsbLabAddress {
      const { config, mode } = device;
      return {
        kind: 'usb',
        bus: 'lab-virtual',
        address: usbPort,
        vendorId: config.vendorId,
        productId: mode === 'dfu' ? config.dfuProductId : config.runtimeProductId,
        mode,
        serialNumber: config.serialNumber,
      };
    },
    device,
    stop: async () => {
      bus.unplug(usbPort);
      await device.stop();
    },
  };
}
