import { setTimeout as sleep } from 'node:timers/promises';
import type { UsbDeviceHandle } from '../../../../main/core/ports/usb-bus';

// The lab device is exercised with raw control transfers (protocols.md §3 numbers written out here),
// independently of the core's DFU codecs and driver.
export const T = { timeoutMs: 1000 };
export const ERROR = 10;

export async function status(
  handle: UsbDeviceHandle,
  interfaceNumber = 0,
): Promise<{ status: number; pollMs: number; state: number }> {
  const bytes = await handle.controlTransferIn(
    { requestType: 0xa1, request: 3, value: 0, index: interfaceNumber },
    6,
    T,
  );
  return { status: bytes[0]!, pollMs: bytes[1]! | (bytes[2]! << 8) | (bytes[3]! << 16), state: bytes[4]! };
}
export const dnload = (handle: UsbDeviceHandle, block: number, data: Uint8Array) =>
  handle.controlTransferOut({ requestType: 0x21, request: 1, value: block, index: 0 }, data, T);
export const upload = (handle: UsbDeviceHandle, block: number, length: number) =>
  handle.controlTransferIn({ requestType: 0xa1, request: 2, value: block, index: 0 }, length, T);
export const clrstatus = (handle: UsbDeviceHandle) =>
  handle.controlTransferOut({ requestType: 0x21, request: 4, value: 0, index: 0 }, new Uint8Array(0), T);
export const abort = (handle: UsbDeviceHandle) =>
  handle.controlTransferOut({ requestType: 0x21, request: 6, value: 0, index: 0 }, new Uint8Array(0), T);

/** Sends one block and polls as a correct host does, sleeping each bwPollTimeout. */
export async function sendBlock(handle: UsbDeviceHandle, block: number, data: Uint8Array): Promise<void> {
  await dnload(handle, block, data);
  for (let reply = await status(handle); reply.state !== 5; reply = await status(handle)) {
    if (reply.state === ERROR) throw new Error(`dfuERROR status ${reply.status}`);
    await sleep(reply.pollMs);
  }
}

/** Zero-length DNLOAD, then GETSTATUS until manifestation is over; returns the final state. */
export async function manifest(handle: UsbDeviceHandle, block: number): Promise<number> {
  await dnload(handle, block, new Uint8Array(0));
  let reply = await status(handle);
  while (reply.state === 6 || reply.state === 7) {
    await sleep(reply.pollMs);
    reply = await status(handle);
  }
  return reply.state;
}

export const image = Uint8Array.from({ length: 2500 }, (_, index) => (index * 31 + 7) & 0xff);

export async function flashRaw(handle: UsbDeviceHandle, transferSize: number): Promise<number> {
  let block = 0;
  for (let offset = 0; offset < image.length; offset += transferSize, block += 1)
    await sendBlock(handle, block, image.subarray(offset, offset + transferSize));
  return manifest(handle, block);
}
