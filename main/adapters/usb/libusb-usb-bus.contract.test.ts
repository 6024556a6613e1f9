import { silentLogger } from '../../core/ports/logger';
import type { UsbDeviceInfo } from '../../core/ports/usb-bus';
import { LibusbUsbBus } from './libusb-usb-bus';
import { describeUsbBusContract } from './usb-bus-contract';

/**
 * The UsbBus contract against real hardware through libusb, like node-serialport's hardware suites:
 * FIELDLINE_HW_USB names the device, as a bus-port address (`1-4.2`) or `vid:pid` in hex (`1209:0001`).
 * Only read-only requests are sent.
 */
const named = process.env.FIELDLINE_HW_USB?.trim();

function matchesName(device: UsbDeviceInfo, name: string): boolean {
  const ids = /^([0-9a-f]{4}):([0-9a-f]{4})$/i.exec(name);
  if (ids === null) return device.address === name;
  return (
    device.vendorId === Number.parseInt(ids[1]!, 16) && device.productId === Number.parseInt(ids[2]!, 16)
  );
}

describeUsbBusContract(
  'UsbBus contract on real hardware (libusb)',
  named === undefined || named === ''
    ? 'set FIELDLINE_HW_USB=<bus-port like 1-4.2 | vid:pid> to run against a real device'
    : undefined,
  () => {
    const bus = new LibusbUsbBus({ logger: silentLogger });
    return Promise.resolve({
      bus,
      pickTarget: (devices: UsbDeviceInfo[]) => devices.find((device) => matchesName(device, named!)),
      stop: () => Promise.resolve(bus.close()),
    });
  },
);
