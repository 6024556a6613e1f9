import { FIRMWARE_UPLOAD_MAX_BYTES } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { formatBytes } from '../jobs/job-format';

export interface BundleUpload {
  fileName: string;
  contentBase64: string;
}

/** Enough bytes per String.fromCharCode call to be quick, few enough to stay clear of argument limits. */
const CHUNK_BYTES = 0x8000;

/**
 * Reads a chosen bundle file for `firmware:import`. A file over the upload limit is refused before it
 * is read, with the code whose suggested action says how to import it instead.
 */
export async function readBundleUpload(file: File): Promise<BundleUpload> {
  if (file.size > FIRMWARE_UPLOAD_MAX_BYTES) {
    throw new AppError(
      'FIRMWARE_UPLOAD_TOO_LARGE',
      `upload size: ${file.name} is ${formatBytes(file.size)}; a browser upload takes at most ${formatBytes(FIRMWARE_UPLOAD_MAX_BYTES)}`,
    );
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await file.arrayBuffer());
  } catch (error: unknown) {
    throw new AppError('NOT_FOUND', `${file.name} could not be read; choose it again`, { cause: error });
  }
  let binary = '';
  for (let offset = 0; offset < bytes.length; offset += CHUNK_BYTES) {
    binary += String.fromCharCode(...bytes.subarray(offset, offset + CHUNK_BYTES));
  }
  return { fileName: file.name, contentBase64: btoa(binary) };
}
