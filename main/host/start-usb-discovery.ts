import { LibusbUsbBus } from '../adapters/usb/libusb-usb-bus';
import type { Core } from '../core/create-core';
import { UsbDiscovery } from '../core/discovery/usb-discovery';
import type { Logger } from '../core/ports/logger';
import type { UsbBus } from '../core/ports/usb-bus';

export interface UsbDiscoveryHandle {
  discovery: UsbDiscovery;
  stop: () => Promise<void>;
}

/**
 * USB discovery (DFU devices) reporting into the core's registry. Without `bus` it runs on the real
 * libusb adapter, which on a machine without a USB bus logs "USB not available" once and lists nothing;
 * tests and benchmarks pass the device lab's VirtualUsbBus instead, and keep ownership of it.
 */
export function startUsbDiscovery(core: Core, logger: Logger, bus?: UsbBus): UsbDiscoveryHandle {
  const log = logger.child({ transport: 'usb' });
  const libusb = bus === undefined ? new LibusbUsbBus({ logger: log }) : null;
  const discovery = new UsbDiscovery(bus ?? libusb!, core.registry, log);
  // start() never rejects: an unavailable bus is a state it resolves to.
  void discovery.start();
  return {
    discovery,
    stop: async () => {
      await discovery.stop();
      libusb?.close();
    },
  };
}
