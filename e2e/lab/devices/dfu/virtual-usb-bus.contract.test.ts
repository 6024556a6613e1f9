import { describeUsbBusContract } from '../../../../main/adapters/usb/usb-bus-contract';
import { startDfuLab } from './dfu-lab-fixture';

// The same contract the libusb adapter is held to, against the lab's virtual bus with a DFU device on it.
describeUsbBusContract('UsbBus contract on the virtual USB bus (lab DFU device)', undefined, async () => {
  const lab = await startDfuLab();
  return {
    bus: lab.bus,
    pickTarget: (devices) => devices.find((device) => device.address === lab.address),
    replug: async () => {
      const back = lab.nextAttach();
      lab.bus.unplug(lab.address);
      lab.bus.plug(lab.device, lab.address);
      await back;
    },
    stop: () => lab.stop(),
  };
});
