import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AppError, toAppError } from '../../../../shared/errors';
import { abortReason } from './abort-reason';
import { FileSystemCommand, hashFile, isFileNotFound, readFileLength } from './file-system-commands';
import type { SmpMap } from './smp-cbor';
import type { SmpClient } from './smp-client';
import { SmpGroup } from './smp-header';
import { parseSmpResponse, smpUint } from './smp-response';
import { FileSystemErrorRc } from './smp-status';
import { largestDataThatFits } from './upload-chunk-size';

export interface FileUploadOptions {
  /** The device's `buf_size` from mcumgr params; packets never exceed it. */
  deviceBufSizeBytes: number;
  /**
   * Continue a partial upload of the same bytes (default true): the file's length on the device is read,
   * and when the SHA-256 of that prefix matches ours the upload goes on from there.
   */
  isResumable?: boolean;
  /** Unanswered or refused chunks tolerated in a row before giving up. */
  maxRetries?: number;
  onProgress?: (progress: { confirmedBytes: number; totalBytes: number }) => void;
  signal?: AbortSignal;
}

export interface FileUploadResult {
  totalBytes: number;
  /** Where the upload resumed (0 for a fresh one). */
  resumedFromBytes: number;
}

const uploadAnswerSchema = z.object({ off: smpUint });

/**
 * File upload (protocols.md §1, fs id 0 write): `{off, data, name, len (at off 0)}` → `{off}`, one chunk
 * at a time, since fs_mgmt appends at the file's end and refuses any other offset with
 * FILE_OFFSET_NOT_VALID (and forgets the transfer). After such a refusal, or a chunk whose answer was
 * lost, the uploader asks the device how much it holds and resumes there if that prefix hashes like ours
 * (what Zephyr's fs_mgmt.h advises), else starts over.
 */
export async function uploadFile(
  client: SmpClient,
  path: string,
  bytes: Uint8Array,
  options: FileUploadOptions,
): Promise<FileUploadResult> {
  const packetLimit = Math.min(options.deviceBufSizeBytes, client.maxPacketBytes);
  const maxRetries = options.maxRetries ?? 3;
  const isResumable = options.isResumable ?? true;
  let offset = isResumable ? await resumableOffset(client, path, bytes, options.signal) : 0;
  const resumedFromBytes = offset;
  let retriesInARow = 0;
  let isFirst = true;
  while (isFirst || offset < bytes.length) {
    if (options.signal?.aborted) throw abortReason(options.signal);
    isFirst = false;
    const body: SmpMap =
      offset === 0 ? { off: 0, len: bytes.length, name: path } : { off: offset, name: path };
    const dataBytes = Math.min(largestDataThatFits(body, packetLimit), bytes.length - offset);
    try {
      const answer = await client.request(
        {
          op: 'write',
          group: SmpGroup.fileSystem,
          commandId: FileSystemCommand.file,
          body: { ...body, data: bytes.subarray(offset, offset + dataBytes) },
        },
        options.signal,
      );
      const deviceOffset = parseSmpResponse(uploadAnswerSchema, answer, 'fs upload').off;
      if (deviceOffset !== offset + dataBytes)
        throw new AppError(
          'DEVICE_PROTOCOL',
          `fs upload of ${path}: sent bytes up to ${offset + dataBytes}, the device holds ${deviceOffset}`,
          { details: { offset: deviceOffset } },
        );
      offset = deviceOffset;
      retriesInARow = 0;
      options.onProgress?.({ confirmedBytes: offset, totalBytes: bytes.length });
    } catch (error: unknown) {
      const failure = toAppError(error);
      if (!isRecoverable(failure) || retriesInARow >= maxRetries) throw failure;
      retriesInARow += 1;
      // Whatever the device holds now decides where to go on (a lost answer may have been written).
      offset = await resumableOffset(client, path, bytes, options.signal);
      isFirst = offset === 0;
    }
  }
  return { totalBytes: bytes.length, resumedFromBytes };
}

function isRecoverable(error: AppError): boolean {
  if (error.code === 'DEVICE_NOT_RESPONDING') return true;
  return (
    error.code === 'DEVICE_REJECTED' &&
    error.details?.group === SmpGroup.fileSystem &&
    error.details.rc === FileSystemErrorRc.fileOffsetNotValid
  );
}

/** How many leading bytes of `bytes` the device already holds in `path` (0 when none or different). */
async function resumableOffset(
  client: SmpClient,
  path: string,
  bytes: Uint8Array,
  signal: AbortSignal | undefined,
): Promise<number> {
  let lengthOnDevice: number;
  try {
    lengthOnDevice = await readFileLength(client, path, signal);
  } catch (error: unknown) {
    if (isFileNotFound(error)) return 0;
    throw error;
  }
  if (lengthOnDevice === 0 || lengthOnDevice > bytes.length) return 0;
  const device = await hashFile(client, path, 'sha256', { offset: 0, lengthBytes: lengthOnDevice }, signal);
  const ours = createHash('sha256').update(bytes.subarray(0, lengthOnDevice)).digest();
  return device.output instanceof Uint8Array && ours.equals(device.output) ? lengthOnDevice : 0;
}
