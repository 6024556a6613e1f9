import type { DfuFunctionalDescriptor, UsbDeviceInfo } from '../../ports/usb-bus';
import {
  DFU_INTERFACE_CLASS,
  DFU_INTERFACE_SUBCLASS,
  DFU_PROTOCOL_DFU_MODE,
  DFU_PROTOCOL_RUNTIME,
} from './dfu-protocol';

/** A DFU interface of a device: which mode it is in and how to talk to it (protocols.md §3). */
export interface DfuInterfaceTarget {
  /** `dfu`: the bootloader (protocol 0x02); `runtime`: the application offering DFU_DETACH (protocol 0x01). */
  mode: 'dfu' | 'runtime';
  interfaceNumber: number;
  alternateSetting: number;
  functional: DfuFunctionalDescriptor;
  /** The iInterface string (DfuSe memory layout, or a firmware description). */
  name?: string;
}

/**
 * The device's DFU interface, preferring alternate setting 0; undefined when it has none or the
 * interface lacks its functional descriptor (without it the transfer size is unknown).
 */
export function findDfuInterface(device: UsbDeviceInfo): DfuInterfaceTarget | undefined {
  const candidates = device.configuration.interfaces
    .filter(
      (candidate) =>
        candidate.interfaceClass === DFU_INTERFACE_CLASS &&
        candidate.interfaceSubclass === DFU_INTERFACE_SUBCLASS,
    )
    .filter(
      (candidate) =>
        candidate.interfaceProtocol === DFU_PROTOCOL_DFU_MODE ||
        candidate.interfaceProtocol === DFU_PROTOCOL_RUNTIME,
    )
    .sort((left, right) => left.alternateSetting - right.alternateSetting);
  const chosen = candidates.find((candidate) => candidate.dfuFunctional !== undefined);
  if (chosen?.dfuFunctional === undefined) return undefined;
  const target: DfuInterfaceTarget = {
    mode: chosen.interfaceProtocol === DFU_PROTOCOL_DFU_MODE ? 'dfu' : 'runtime',
    interfaceNumber: chosen.interfaceNumber,
    alternateSetting: chosen.alternateSetting,
    functional: chosen.dfuFunctional,
  };
  if (chosen.name !== undefined) target.name = chosen.name;
  return target;
}
