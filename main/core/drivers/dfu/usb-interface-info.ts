import type { UsbInterfaceInfo } from '../../ports/usb-bus';
import { findDfuFunctionalDescriptor } from './dfu-functional-descriptor';

/** An interface descriptor's fields and the class-specific bytes that follow it, as a USB stack reports them. */
export interface RawUsbInterface {
  interfaceNumber: number;
  alternateSetting: number;
  interfaceClass: number;
  interfaceSubclass: number;
  interfaceProtocol: number;
  name?: string;
  /** The class-specific descriptors after the interface descriptor (libusb's `extra`). */
  extra: Uint8Array;
}

/**
 * Builds the port's view of one interface, decoding a DFU functional descriptor where there is one
 * (protocols.md §3). A broken descriptor does not hide the interface: it is listed without the DFU
 * details and `problem` says why, for the caller to log.
 */
export function describeUsbInterface(raw: RawUsbInterface): { info: UsbInterfaceInfo; problem?: string } {
  const info: UsbInterfaceInfo = {
    interfaceNumber: raw.interfaceNumber,
    alternateSetting: raw.alternateSetting,
    interfaceClass: raw.interfaceClass,
    interfaceSubclass: raw.interfaceSubclass,
    interfaceProtocol: raw.interfaceProtocol,
  };
  if (raw.name !== undefined) info.name = raw.name;
  try {
    const functional = findDfuFunctionalDescriptor(raw.extra);
    if (functional !== undefined) info.dfuFunctional = functional;
    return { info };
  } catch (error: unknown) {
    return {
      info,
      problem: `interface ${raw.interfaceNumber}: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
