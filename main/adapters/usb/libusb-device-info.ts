import type { Device } from 'usb';
import { describeUsbInterface } from '../../core/drivers/dfu/usb-interface-info';
import type { Logger } from '../../core/ports/logger';
import type { UsbDeviceInfo, UsbInterfaceInfo } from '../../core/ports/usb-bus';

/** Bus and port path as Linux sysfs names the device: `1-4`, `1-4.2`; `1-0` for a root hub. */
export function libusbAddress(device: Device): string {
  return `${device.busNumber}-${device.portNumbers.length > 0 ? device.portNumbers.join('.') : '0'}`;
}

/**
 * Reads what the port describes about one libusb device: the device descriptor, its strings (which
 * needs the device open; without permission they are left out, and that is logged) and the active
 * configuration's interfaces with any DFU functional descriptor decoded from their `extra` bytes.
 */
export async function describeLibusbDevice(device: Device, logger: Logger): Promise<UsbDeviceInfo> {
  const descriptor = device.deviceDescriptor;
  const info: UsbDeviceInfo = {
    address: libusbAddress(device),
    deviceNumber: device.deviceAddress,
    vendorId: descriptor.idVendor,
    productId: descriptor.idProduct,
    bcdDevice: descriptor.bcdDevice,
    deviceClass: descriptor.bDeviceClass,
    configuration: { configurationValue: 0, interfaces: [] },
  };
  const strings = await readStrings(
    device,
    [descriptor.iManufacturer, descriptor.iProduct, descriptor.iSerialNumber],
    info.address,
    logger,
  );
  if (strings[0] !== undefined) info.manufacturer = strings[0];
  if (strings[1] !== undefined) info.product = strings[1];
  if (strings[2] !== undefined) info.serialNumber = strings[2];
  const configuration = safely(
    () => device.configDescriptor,
    info.address,
    'configuration descriptor',
    logger,
  );
  if (configuration === undefined) return info;
  const alternates = configuration.interfaces.flat();
  const names = await readStrings(
    device,
    alternates.map((entry) => entry.iInterface),
    info.address,
    logger,
  );
  const interfaces: UsbInterfaceInfo[] = alternates.map((entry, index) => {
    const described = describeUsbInterface({
      interfaceNumber: entry.bInterfaceNumber,
      alternateSetting: entry.bAlternateSetting,
      interfaceClass: entry.bInterfaceClass,
      interfaceSubclass: entry.bInterfaceSubClass,
      interfaceProtocol: entry.bInterfaceProtocol,
      ...(names[index] === undefined ? {} : { name: names[index] }),
      extra: new Uint8Array(entry.extra),
    });
    if (described.problem !== undefined)
      logger.warn(
        { address: info.address, problem: described.problem },
        'USB interface descriptor is malformed',
      );
    return described.info;
  });
  info.configuration = { configurationValue: configuration.bConfigurationValue, interfaces };
  return info;
}

/** Reads string descriptors (index 0 means "none"); opens the device briefly when one is needed. */
async function readStrings(
  device: Device,
  indices: number[],
  address: string,
  logger: Logger,
): Promise<(string | undefined)[]> {
  if (indices.every((index) => index === 0)) return indices.map(() => undefined);
  const wasOpen = device.interfaces !== undefined;
  try {
    if (!wasOpen) device.open(false);
  } catch (error: unknown) {
    logger.info(
      { address, error: String(error) },
      'USB device cannot be opened to read its strings (permission?)',
    );
    return indices.map(() => undefined);
  }
  try {
    const values: (string | undefined)[] = [];
    for (const index of indices)
      values.push(index === 0 ? undefined : await readString(device, index).catch(() => undefined));
    return values;
  } finally {
    if (!wasOpen) safely(() => device.close(), address, 'close after reading strings', logger);
  }
}

function readString(device: Device, index: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    device.getStringDescriptor(index, (error, value) => (error ? reject(error) : resolve(value)));
  });
}

function safely<T>(read: () => T, address: string, what: string, logger: Logger): T | undefined {
  try {
    return read();
  } catch (error: unknown) {
    logger.warn({ address, error: String(error) }, `cannot read the USB ${what}`);
    return undefined;
  }
}
