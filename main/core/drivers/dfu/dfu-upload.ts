import { AppError } from '../../../../shared/errors';
import type { DfuInterfaceClient } from './dfu-interface-client';

/**
 * Reads up to `lengthBytes` of the device's image with DFU_UPLOAD blocks of `transferSizeBytes`
 * (protocols.md §3: "a short reply ends it"), starting from dfuIDLE. When the wanted length is reached
 * before the device's short reply, ABORT returns the device from dfuUPLOAD-IDLE to dfuIDLE.
 */
export async function uploadImage(
  client: DfuInterfaceClient,
  lengthBytes: number,
  transferSizeBytes: number,
  onBlock: (bytesDone: number) => void,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const image = new Uint8Array(lengthBytes);
  let bytesDone = 0;
  let isShortReplySeen = false;
  for (let blockNumber = 0; bytesDone < lengthBytes; blockNumber += 1) {
    const block = await client.upload(blockNumber, transferSizeBytes, signal);
    if (block.length > transferSizeBytes)
      throw new AppError(
        'DEVICE_PROTOCOL',
        `UPLOAD block ${blockNumber} has ${block.length} bytes, more than wTransferSize`,
      );
    image.set(block.subarray(0, lengthBytes - bytesDone), bytesDone);
    bytesDone += Math.min(block.length, lengthBytes - bytesDone);
    onBlock(bytesDone);
    if (block.length < transferSizeBytes) {
      isShortReplySeen = true;
      break;
    }
  }
  if (!isShortReplySeen) await client.abort(signal);
  return image.subarray(0, bytesDone);
}

/** FIRMWARE_VERIFY_FAILED naming the first differing byte, unless `readBack` equals `image`. */
export function compareReadBack(image: Uint8Array, readBack: Uint8Array): void {
  const length = Math.min(image.length, readBack.length);
  let firstDifference = -1;
  for (let index = 0; index < length; index += 1) {
    if (image[index] !== readBack[index]) {
      firstDifference = index;
      break;
    }
  }
  if (firstDifference === -1 && readBack.length === image.length) return;
  const offset = firstDifference === -1 ? length : firstDifference;
  throw new AppError(
    'FIRMWARE_VERIFY_FAILED',
    `read-back differs from the image at byte ${offset} (${readBack.length} of ${image.length} bytes read)`,
    {
      details: { offset, readBytes: readBack.length, imageBytes: image.length },
    },
  );
}
