import type { VirtualUsbDescriptors, VirtualUsbReply, VirtualUsbSetupPacket } from './virtual-usb-function';

/** USB 2.0 chapter 9 numbers the virtual device stack answers itself. */
const GET_STATUS = 0;
const GET_DESCRIPTOR = 6;
const DESCRIPTOR_DEVICE = 1;
const DESCRIPTOR_CONFIGURATION = 2;
const DESCRIPTOR_STRING = 3;
const LANGUAGE_EN_US = 0x0409;

/** String descriptor indices: 1 manufacturer, 2 product, 3 serial, then one per named interface. */
export function stringTable(descriptors: VirtualUsbDescriptors): Map<number, string> {
  const table = new Map<number, string>();
  if (descriptors.manufacturer !== undefined) table.set(1, descriptors.manufacturer);
  if (descriptors.product !== undefined) table.set(2, descriptors.product);
  if (descriptors.serialNumber !== undefined) table.set(3, descriptors.serialNumber);
  descriptors.interfaces.forEach((entry, position) => {
    if (entry.name !== undefined) table.set(4 + position, entry.name);
  });
  return table;
}

/** The 18-byte device descriptor. */
export function deviceDescriptorBytes(descriptors: VirtualUsbDescriptors): Uint8Array {
  const bytes = new Uint8Array(18);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, 18);
  view.setUint8(1, DESCRIPTOR_DEVICE);
  view.setUint16(2, 0x0200, true);
  view.setUint8(4, descriptors.deviceClass);
  view.setUint8(7, 64);
  view.setUint16(8, descriptors.vendorId, true);
  view.setUint16(10, descriptors.productId, true);
  view.setUint16(12, descriptors.bcdDevice, true);
  view.setUint8(14, descriptors.manufacturer === undefined ? 0 : 1);
  view.setUint8(15, descriptors.product === undefined ? 0 : 2);
  view.setUint8(16, descriptors.serialNumber === undefined ? 0 : 3);
  view.setUint8(17, 1);
  return bytes;
}

/** Configuration 1: the 9-byte header, then each interface descriptor followed by its class descriptors. */
export function configurationDescriptorBytes(descriptors: VirtualUsbDescriptors): Uint8Array {
  const parts: Uint8Array[] = descriptors.interfaces.map((entry, position) => {
    const header = Uint8Array.of(
      9,
      4,
      entry.interfaceNumber,
      entry.alternateSetting,
      0,
      entry.interfaceClass,
      entry.interfaceSubclass,
      entry.interfaceProtocol,
      entry.name === undefined ? 0 : 4 + position,
    );
    return Buffer.concat([header, entry.extra]);
  });
  const body = Buffer.concat(parts);
  const interfaceCount = new Set(descriptors.interfaces.map((entry) => entry.interfaceNumber)).size;
  const total = 9 + body.length;
  const header = Uint8Array.of(
    9,
    DESCRIPTOR_CONFIGURATION,
    total & 0xff,
    total >> 8,
    interfaceCount,
    1,
    0,
    0x80,
    50,
  );
  return new Uint8Array(Buffer.concat([header, body]));
}

function stringDescriptorBytes(text: string): Uint8Array {
  const utf16 = Buffer.from(text, 'utf16le');
  return new Uint8Array(Buffer.concat([Uint8Array.of(2 + utf16.length, DESCRIPTOR_STRING), utf16]));
}

/**
 * Answers the standard requests a device's USB stack handles without its firmware: GET_DESCRIPTOR
 * (device, configuration, string) and GET_STATUS. Returns undefined for anything else.
 */
export function answerStandardRequest(
  setup: VirtualUsbSetupPacket,
  descriptors: VirtualUsbDescriptors,
): VirtualUsbReply | undefined {
  if ((setup.requestType & 0x60) !== 0) return undefined;
  const reply = (bytes: Uint8Array): VirtualUsbReply => ({
    kind: 'data',
    data: bytes.subarray(0, setup.length),
  });
  if (setup.requestType === 0x80 && setup.request === GET_STATUS) return reply(Uint8Array.of(0, 0));
  if (setup.requestType !== 0x80 || setup.request !== GET_DESCRIPTOR) return undefined;
  const type = setup.value >> 8;
  const index = setup.value & 0xff;
  if (type === DESCRIPTOR_DEVICE) return reply(deviceDescriptorBytes(descriptors));
  if (type === DESCRIPTOR_CONFIGURATION && index === 0)
    return reply(configurationDescriptorBytes(descriptors));
  if (type === DESCRIPTOR_STRING && index === 0)
    return reply(Uint8Array.of(4, DESCRIPTOR_STRING, LANGUAGE_EN_US & 0xff, LANGUAGE_EN_US >> 8));
  const text = type === DESCRIPTOR_STRING ? stringTable(descriptors).get(index) : undefined;
  return text === undefined ? { kind: 'stall' } : reply(stringDescriptorBytes(text));
}
