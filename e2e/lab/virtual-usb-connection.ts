import type { UsbDeviceInfo } from '../../main/core/ports/usb-bus';
import { describeUsbInterface } from '../../main/core/drivers/dfu/usb-interface-info';
import type { VirtualUsbDescriptors, VirtualUsbFunction } from './virtual-usb-function';

/** One enumeration of a simulated device at one address: ends when it is unplugged or re-enumerates. */
export interface VirtualUsbConnection {
  readonly function: VirtualUsbFunction;
  readonly descriptors: VirtualUsbDescriptors;
  readonly info: UsbDeviceInfo;
  /** Fires (with TRANSPORT_CLOSED) when this enumeration ends; open handles end with it. */
  readonly lifetime: AbortSignal;
  /** Interface number → the handle that claimed it. */
  readonly claims: Map<number, unknown>;
  /** Descriptor problems found while enumerating, e.g. a malformed DFU functional descriptor. */
  readonly problems: string[];
}

/** What the host learns from enumeration: the device descriptor, strings and the configuration, as the port's types. */
export function enumerate(
  device: VirtualUsbFunction,
  location: { address: string; deviceNumber: number },
  lifetime: AbortSignal,
): VirtualUsbConnection {
  const descriptors = device.descriptors();
  const problems: string[] = [];
  const interfaces = descriptors.interfaces.map((raw) => {
    const described = describeUsbInterface(raw);
    if (described.problem !== undefined) problems.push(described.problem);
    return described.info;
  });
  const info: UsbDeviceInfo = {
    ...location,
    vendorId: descriptors.vendorId,
    productId: descriptors.productId,
    bcdDevice: descriptors.bcdDevice,
    deviceClass: descriptors.deviceClass,
    configuration: { configurationValue: 1, interfaces },
  };
  if (descriptors.manufacturer !== undefined) info.manufacturer = descriptors.manufacturer;
  if (descriptors.product !== undefined) info.product = descriptors.product;
  if (descriptors.serialNumber !== undefined) info.serialNumber = descriptors.serialNumber;
  return { function: device, descriptors, info, lifetime, claims: new Map(), problems };
}
