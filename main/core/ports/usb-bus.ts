import type { AppError } from '../../../shared/errors';
import type { Disposable } from '../event-bus';

/**
 * The USB bus as the core sees it. The real adapter wraps the `usb` package (libusb, main/adapters/usb);
 * the device lab implements the same interface with simulated devices (e2e/lab/virtual-usb-bus.ts).
 * No `usb` type crosses this interface.
 *
 * Failures are AppErrors: `USB_UNAVAILABLE` when this machine has no USB bus or no USB driver,
 * `NOT_FOUND` when the device is gone (or re-enumerated under a new device number), `TRANSPORT_CLOSED`
 * when it is unplugged during a transfer or the handle is closed, `TIMEOUT` when it does not answer in
 * time, `DEVICE_REJECTED` with `details.isStall = true` when it stalls a request, `CANCELLED` (or the
 * signal's AppError reason) when the caller aborts, `INVALID_INPUT` for a malformed request.
 */
export interface UsbBus {
  /** Whether this machine can reach USB at all; a machine without a bus is a state, not a crash. */
  availability(): Promise<UsbAvailability>;
  /** Devices enumerated now. Resolves to an empty list when USB is unavailable. */
  list(signal?: AbortSignal): Promise<UsbDeviceInfo[]>;
  /** A device finished enumeration (plugged in, or came back under a new identity after a reset). */
  onAttach(listener: (device: UsbDeviceInfo) => void): Disposable;
  /** A device left the bus (unplugged, or reset before re-enumerating). */
  onDetach(listener: (device: UsbDeviceInfo) => void): Disposable;
  /**
   * Opens the device enumerated at `device.address` with `device.deviceNumber`. A device that has since
   * re-enumerated has a new device number, so opening a stale sighting fails with NOT_FOUND.
   */
  open(device: UsbDeviceLocation, signal?: AbortSignal): Promise<UsbDeviceHandle>;
}

export type UsbAvailability =
  | { isAvailable: true }
  | {
      isAvailable: false;
      /** `no-usb-bus`: the OS shows no USB bus (e.g. no /sys/bus/usb/devices); `driver-unavailable`: the native driver did not load. */
      reason: 'no-usb-bus' | 'driver-unavailable';
      detail: string;
    };

/** Where a device sits on the bus now. */
export interface UsbDeviceLocation {
  /** Bus and port path, e.g. `1-4` or `1-4.2` (as Linux sysfs names it): stable for a physical socket. */
  address: string;
  /** The address the host assigned at enumeration (1–127); a re-enumerated device gets a new one. */
  deviceNumber: number;
}

/** The device descriptor and strings of one enumerated device, and its active configuration. */
export interface UsbDeviceInfo extends UsbDeviceLocation {
  vendorId: number;
  productId: number;
  /** Device release number, binary-coded decimal (0x0100 is 1.00). */
  bcdDevice: number;
  deviceClass: number;
  /** String descriptors; absent when the device has none or they cannot be read (e.g. no permission). */
  manufacturer?: string;
  product?: string;
  serialNumber?: string;
  configuration: UsbConfigurationInfo;
}

export interface UsbConfigurationInfo {
  configurationValue: number;
  interfaces: UsbInterfaceInfo[];
}

/** One alternate setting of one interface. */
export interface UsbInterfaceInfo {
  interfaceNumber: number;
  alternateSetting: number;
  interfaceClass: number;
  interfaceSubclass: number;
  interfaceProtocol: number;
  /** The iInterface string; DfuSe devices describe their memory layout here. */
  name?: string;
  /** Present on DFU interfaces (class 0xFE, subclass 0x01; protocols.md §3). */
  dfuFunctional?: DfuFunctionalDescriptor;
}

/** The DFU functional descriptor (type 0x21; protocols.md §3), decoded. */
export interface DfuFunctionalDescriptor {
  /** bmAttributes bit 0 (bitCanDnload). */
  canDownload: boolean;
  /** bmAttributes bit 1 (bitCanUpload). */
  canUpload: boolean;
  /** bmAttributes bit 2 (bitManifestationTolerant): still answers after manifestation. */
  isManifestationTolerant: boolean;
  /** bmAttributes bit 3 (bitWillDetach): detaches itself on DFU_DETACH, no bus reset needed. */
  willDetach: boolean;
  /** wDetachTimeOut: how long the device waits for a bus reset after DFU_DETACH. */
  detachTimeoutMs: number;
  /** wTransferSize: the largest DNLOAD/UPLOAD block. */
  transferSizeBytes: number;
  /** bcdDFUVersion: 0x0110 for DFU 1.1, 0x011A for ST's DfuSe, 0x0100 when the descriptor omits it. */
  dfuVersion: number;
}

/**
 * The 8-byte SETUP packet of a control transfer without wLength, which comes from the data (OUT) or the
 * requested length (IN). Bit 7 of `requestType` is the direction and must match the method used.
 */
export interface UsbControlSetup {
  /** bmRequestType, e.g. 0x21 (class, interface, OUT) or 0xA1 (class, interface, IN). */
  requestType: number;
  /** bRequest. */
  request: number;
  /** wValue. */
  value: number;
  /** wIndex; for interface requests, the interface number. */
  index: number;
}

export interface UsbTransferOptions {
  /** Fail with TIMEOUT when the device has not completed the transfer by then. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/** One open device. Closing, unplugging or re-enumerating ends it: later calls fail with TRANSPORT_CLOSED. */
export interface UsbDeviceHandle {
  readonly device: UsbDeviceInfo;
  /** Claims an interface for this process (the OS driver is detached where the platform allows it). */
  claimInterface(interfaceNumber: number): Promise<void>;
  /** SET_INTERFACE: selects an alternate setting of a claimed interface (DfuSe: one per memory region). */
  selectAlternateSetting(
    interfaceNumber: number,
    alternateSetting: number,
    options: UsbTransferOptions,
  ): Promise<void>;
  /** A control transfer that reads up to `lengthBytes`; a short reply is returned as it is. */
  controlTransferIn(
    setup: UsbControlSetup,
    lengthBytes: number,
    options: UsbTransferOptions,
  ): Promise<Uint8Array>;
  /** A control transfer that writes `data` (possibly empty) in its data stage. */
  controlTransferOut(setup: UsbControlSetup, data: Uint8Array, options: UsbTransferOptions): Promise<void>;
  /**
   * Resets the port (USB bus reset). A device that re-enumerates afterwards (e.g. DFU → run-time) shows
   * up as a detach and an attach on the bus, and this handle is closed.
   */
  reset(options: UsbTransferOptions): Promise<void>;
  /** Fires once when the handle ends: `undefined` after `close()`, an AppError when the device went away. */
  onClose(listener: (reason: AppError | undefined) => void): Disposable;
  /** Releases claimed interfaces and closes; safe to call more than once. */
  close(): Promise<void>;
}

/** bmRequestType bit 7: set for device-to-host (IN) transfers. */
export const USB_DIRECTION_IN = 0x80;
