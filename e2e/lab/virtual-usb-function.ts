/**
 * What a simulated USB device gives the virtual bus (virtual-usb-bus.ts): its descriptors as the host
 * would read them, and its answers to control transfers. The bus plays the host controller and the
 * device's USB stack (addresses, standard descriptor requests, bus reset); the function plays the
 * firmware behind it.
 */

/** One interface alternate setting, with the class-specific descriptors that follow it, as raw bytes. */
export interface VirtualUsbInterface {
  interfaceNumber: number;
  alternateSetting: number;
  interfaceClass: number;
  interfaceSubclass: number;
  interfaceProtocol: number;
  /** The iInterface string, if any. */
  name?: string;
  /** Class-specific descriptors after the interface descriptor (libusb's `extra`), e.g. a DFU functional descriptor. */
  extra: Uint8Array;
}

/** The identity the device enumerates with; it may change between enumerations (DFU ↔ run-time). */
export interface VirtualUsbDescriptors {
  vendorId: number;
  productId: number;
  bcdDevice: number;
  deviceClass: number;
  manufacturer?: string;
  product?: string;
  serialNumber?: string;
  interfaces: VirtualUsbInterface[];
}

/** The complete 8-byte SETUP packet as the device receives it. */
export interface VirtualUsbSetupPacket {
  requestType: number;
  request: number;
  value: number;
  index: number;
  /** wLength: bytes the host sends (OUT) or will accept (IN). */
  length: number;
}

/** The device's answer: data (IN) or an acknowledge (OUT), a STALL handshake, or nothing at all (a hung device). */
export type VirtualUsbReply =
  { kind: 'data'; data: Uint8Array } | { kind: 'ack' } | { kind: 'stall' } | { kind: 'no-answer' };

/** What the bus lets a plugged-in device do to its own connection. */
export interface VirtualUsbPortLink {
  readonly address: string;
  /** Drops off the bus and comes back after `afterMs` with its then-current descriptors (a reboot). */
  reenumerate(afterMs: number): void;
  /** Drops off the bus for good (the cable is pulled); plugging it in again is the test's move. */
  unplug(): void;
}

export interface VirtualUsbFunction {
  /** The descriptors to enumerate with now. */
  descriptors(): VirtualUsbDescriptors;
  /** Power is up (plugged in, or rebooted): called before `descriptors()` is read for enumeration. */
  attached(link: VirtualUsbPortLink): void;
  /** Power is gone (unplugged, or the device dropped off to reboot). */
  detached(): void;
  /** A class or vendor control request (standard requests are the bus's); `data` is the OUT data stage. */
  control(setup: VirtualUsbSetupPacket, data: Uint8Array): Promise<VirtualUsbReply>;
  /** The host reset the port; a device that reboots into another identity calls `link.reenumerate` itself. */
  busReset(): void;
}
