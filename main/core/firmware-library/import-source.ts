import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { FIRMWARE_UPLOAD_MAX_BYTES } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { FIRMWARE_LIMITS } from '../firmware';

/** A bundle file's bytes and the name it is shown under. */
export interface ImportedFile {
  fileName: string;
  bytes: Uint8Array;
}

/**
 * Reads a bundle from the station's disk after `stat` says it is a regular file within the firmware
 * code's bundle limit, so a 4 GB file is refused before a byte is read (quality.md).
 */
export function readBundleFile(path: string): ImportedFile {
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(path);
  } catch (error: unknown) {
    throw new AppError(
      'NOT_FOUND',
      `path: cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error, details: { path } },
    );
  }
  if (!stats.isFile())
    throw new AppError('INVALID_INPUT', `path: ${path} is not a regular file`, { details: { path } });
  if (stats.size > FIRMWARE_LIMITS.bundleBytes) {
    throw new AppError(
      'BUNDLE_ARCHIVE_TOO_LARGE',
      `archive size: ${path} is ${stats.size} bytes, over the ${FIRMWARE_LIMITS.bundleBytes}-byte bundle limit`,
      {
        details: {
          check: 'archive size',
          path,
          sizeBytes: stats.size,
          limitBytes: FIRMWARE_LIMITS.bundleBytes,
        },
      },
    );
  }
  return { fileName: basename(path), bytes: new Uint8Array(readFileSync(path)) };
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes a browser upload. The size is worked out from the text before decoding, so an upload over
 * FIRMWARE_UPLOAD_MAX_BYTES (or over the bundle limit) is refused by name without allocating it.
 */
export function decodeUpload(fileName: string, contentBase64: string): ImportedFile {
  if (contentBase64.length % 4 !== 0 || !BASE64.test(contentBase64)) {
    throw new AppError('INVALID_INPUT', 'contentBase64: not standard padded base64');
  }
  const padding = contentBase64.endsWith('==') ? 2 : contentBase64.endsWith('=') ? 1 : 0;
  const sizeBytes = (contentBase64.length / 4) * 3 - padding;
  const limitBytes = Math.min(FIRMWARE_UPLOAD_MAX_BYTES, FIRMWARE_LIMITS.bundleBytes);
  if (sizeBytes > limitBytes) {
    throw new AppError(
      'FIRMWARE_UPLOAD_TOO_LARGE',
      `upload size: ${fileName} is ${sizeBytes} bytes; a browser upload takes at most ${limitBytes} bytes`,
      {
        details: { sizeBytes, limitBytes },
      },
    );
  }
  const displayName = basename(fileName.replaceAll('\\', '/'));
  if (displayName === '' || displayName === '.' || displayName === '..')
    throw new AppError('INVALID_INPUT', 'fileName: names no file');
  return { fileName: displayName, bytes: new Uint8Array(Buffer.from(contentBase64, 'base64')) };
}
