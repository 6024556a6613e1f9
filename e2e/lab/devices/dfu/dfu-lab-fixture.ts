import { makeTempDir } from '../../../../main/test-support/temp-dir';
import type { UsbDeviceInfo } from '../../../../main/core/ports/usb-bus';
import { VirtualUsbBus } from '../../virtual-usb-bus';
import { DfuLabDevice } from './dfu-lab-device';
import type { DfuLabDeviceConfig } from './dfu-lab-device-config';

/** A virtual bus with one lab DFU device plugged in, on a temp state folder; `stop()` removes it all. */
export interface DfuLab {
  bus: VirtualUsbBus;
  device: DfuLabDevice;
  address: string;
  stateDir: string;
  /** The device as enumerated now. */
  current(): Promise<UsbDeviceInfo>;
  /** Resolves with the next attach at the device's address. */
  nextAttach(): Promise<UsbDeviceInfo>;
  /** A second device instance on the same state folder: the unit after a power cycle. */
  powerCycle(): Promise<DfuLabDevice>;
  stop(): Promise<void>;
}

export async function startDfuLab(options: Partial<DfuLabDeviceConfig> = {}): Promise<DfuLab> {
  const temp = makeTempDir('fieldline-dfu-lab-');
  const stateDir = `${temp.path}/device`;
  const bus = new VirtualUsbBus();
  const serialNumber = options.serialNumber ?? 'FL-DFU-0001';
  let device = await DfuLabDevice.create({ ...options, stateDir, serialNumber });
  const address = bus.plug(device);
  const lab: DfuLab = {
    bus,
    get device() {
      return device;
    },
    address,
    stateDir,
    current: async () => {
      const found = (await bus.list()).find((info) => info.address === address);
      if (found === undefined) throw new Error(`nothing enumerated at ${address}`);
      return found;
    },
    nextAttach: () =>
      new Promise((resolve) => {
        const subscription = bus.onAttach((info) => {
          if (info.address !== address) return;
          subscription.dispose();
          resolve(info);
        });
      }),
    powerCycle: async () => {
      bus.unplug(address);
      await device.stop();
      device = await DfuLabDevice.create({ ...options, stateDir, serialNumber });
      bus.plug(device, address);
      return device;
    },
    stop: async () => {
      bus.close();
      await device.stop();
      temp.remove();
    },
  };
  return lab;
}
