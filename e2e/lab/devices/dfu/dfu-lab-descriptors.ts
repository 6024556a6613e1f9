import type { VirtualUsbDescriptors } from '../../virtual-usb-function';
import type { DfuLabDeviceConfig } from './dfu-lab-device-config';

/** Interface numbers: the run-time firmware has a vendor interface 0 and its DFU run-time interface 1. */
export const RUNTIME_DFU_INTERFACE = 1;
export const BOOTLOADER_DFU_INTERFACE = 0;

/**
 * The 9-byte DFU functional descriptor, written out byte by byte (protocols.md §3) rather than with
 * the core's encoder, so that a bug there cannot hide behind the same bug here.
 */
export function functionalDescriptorBytes(config: DfuLabDeviceConfig): Uint8Array {
  const attributes =
    (1 << 0) |
    (config.canUpload ? 1 << 1 : 0) |
    (config.isManifestationTolerant ? 1 << 2 : 0) |
    (config.willDetach ? 1 << 3 : 0);
  const timeout = config.detachTimeoutMs;
  const size = config.transferSizeBytes;
  return Uint8Array.of(9, 0x21, attributes, timeout & 0xff, timeout >> 8, size & 0xff, size >> 8, 0x10, 0x01);
}

/** The bootloader's identity: DFU-mode interface (class 0xFE, subclass 1, protocol 2). */
export function bootloaderDescriptors(config: DfuLabDeviceConfig): VirtualUsbDescriptors {
  return {
    vendorId: config.vendorId,
    productId: config.dfuProductId,
    bcdDevice: 0x0100,
    deviceClass: 0,
    manufacturer: 'Fieldline Lab',
    product: 'Fieldline Lab DFU Bootloader',
    serialNumber: config.serialNumber,
    interfaces: [
      {
        interfaceNumber: BOOTLOADER_DFU_INTERFACE,
        alternateSetting: 0,
        interfaceClass: 0xfe,
        interfaceSubclass: 0x01,
        interfaceProtocol: 0x02,
        name: 'Internal Flash',
        extra: functionalDescriptorBytes(config),
      },
    ],
  };
}

/**
 * The application's identity: another PID, the same serial, a vendor interface whose name reports the
 * running image's SHA-256 (so a test sees the new firmware over the bus), and a DFU run-time interface.
 */
export function runtimeDescriptors(config: DfuLabDeviceConfig, imageSha256: string): VirtualUsbDescriptors {
  return {
    vendorId: config.vendorId,
    productId: config.runtimeProductId,
    bcdDevice: 0x0100,
    deviceClass: 0,
    manufacturer: 'Fieldline Lab',
    product: 'Fieldline Lab Sensor',
    serialNumber: config.serialNumber,
    interfaces: [
      {
        interfaceNumber: 0,
        alternateSetting: 0,
        interfaceClass: 0xff,
        interfaceSubclass: 0,
        interfaceProtocol: 0,
        name: `firmware sha256:${imageSha256}`,
        extra: new Uint8Array(0),
      },
      {
        interfaceNumber: RUNTIME_DFU_INTERFACE,
        alternateSetting: 0,
        interfaceClass: 0xfe,
        interfaceSubclass: 0x01,
        interfaceProtocol: 0x01,
        extra: functionalDescriptorBytes(config),
      },
    ],
  };
}
