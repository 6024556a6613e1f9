import { z } from 'zod';
import { AppError, toAppError } from '../../../../shared/errors';
import { abortReason } from './abort-reason';
import type { SmpMap } from './smp-cbor';
import type { SmpClient } from './smp-client';
import { SmpGroup } from './smp-header';
import { parseSmpResponse, smpBytes, smpUint } from './smp-response';
import { FileSystemErrorRc } from './smp-status';

/** File-system group 8 command ids (protocols.md §1; Zephyr `fs_mgmt`). */
export const FileSystemCommand = {
  file: 0,
  status: 1,
  hashChecksum: 2,
  supportedHashes: 3,
  closeFile: 4,
} as const;

/** Hash and checksum types fs_mgmt defines: `sha256` answers bytes, `crc32` (IEEE) a number. */
export type FileHashType = 'sha256' | 'crc32';

export interface FileHash {
  type: FileHashType;
  /** Bytes the device hashed, from `offset`. */
  lengthBytes: number;
  offset: number;
  /** 32 bytes for sha256, an unsigned 32-bit number for crc32. */
  output: Uint8Array | number;
}

const statusSchema = z.object({ len: smpUint });
const hashSchema = z.object({
  type: z.string().optional(),
  off: smpUint.optional(),
  len: smpUint,
  output: z.union([smpBytes, smpUint]),
});

/** File status: the file's length in bytes; DEVICE_REJECTED (FILE_NOT_FOUND) when it does not exist. */
export async function readFileLength(client: SmpClient, path: string, signal?: AbortSignal): Promise<number> {
  const body = await client.request(
    { op: 'read', group: SmpGroup.fileSystem, commandId: FileSystemCommand.status, body: { name: path } },
    signal,
  );
  return parseSmpResponse(statusSchema, body, 'fs status').len;
}

/**
 * File hash/checksum (protocols.md §1, fs hash id 2) over the whole file or `range`. The device hashes
 * as it reads flash, so large files take a while.
 */
export async function hashFile(
  client: SmpClient,
  path: string,
  type: FileHashType,
  range: { offset?: number; lengthBytes?: number } = {},
  signal?: AbortSignal,
): Promise<FileHash> {
  const request: SmpMap = { name: path, type };
  if (range.offset !== undefined) request.off = range.offset;
  if (range.lengthBytes !== undefined) request.len = range.lengthBytes;
  const body = await client.request(
    {
      op: 'read',
      group: SmpGroup.fileSystem,
      commandId: FileSystemCommand.hashChecksum,
      body: request,
      timeoutMs: 30_000,
    },
    signal,
  );
  const parsed = parseSmpResponse(hashSchema, body, 'fs hash');
  const isBytes = parsed.output instanceof Uint8Array;
  const expectedBytes = type === 'sha256' ? 32 : undefined;
  if ((type === 'sha256') !== isBytes || (isBytes && (parsed.output as Uint8Array).length !== expectedBytes))
    throw new AppError('DEVICE_PROTOCOL', `fs hash answered an output that is not a ${type} value`, {
      details: { type },
    });
  return { type, lengthBytes: parsed.len, offset: parsed.off ?? 0, output: parsed.output };
}

/** Closes whatever file fs_mgmt holds open (a transfer given up half-way). */
export async function closeOpenFile(client: SmpClient, signal?: AbortSignal): Promise<void> {
  await client.request(
    { op: 'write', group: SmpGroup.fileSystem, commandId: FileSystemCommand.closeFile, body: {} },
    signal,
  );
}

export interface FileDownloadOptions {
  /** Refuse files the device says are larger than this (memory guard); 16 MiB by default. */
  maxBytes?: number;
  /** Unanswered requests tolerated in a row before giving up (reads are idempotent: the same offset is asked again). */
  maxSilentRetries?: number;
  onProgress?: (progress: { receivedBytes: number; totalBytes: number }) => void;
  signal?: AbortSignal;
}

const downloadAnswerSchema = z.object({ off: smpUint, data: smpBytes, len: smpUint.optional() });

/**
 * File download (protocols.md §1, fs id 0 read): `{off, name}` → `{off, data, len (at off 0)}`, one chunk
 * at a time until `len` bytes arrived. The device picks the chunk size from its buffer.
 */
export async function downloadFile(
  client: SmpClient,
  path: string,
  options: FileDownloadOptions = {},
): Promise<Uint8Array> {
  const maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
  let file: Uint8Array | undefined;
  let received = 0;
  let silentInARow = 0;
  while (file === undefined || received < file.length) {
    if (options.signal?.aborted) throw abortReason(options.signal);
    let body: SmpMap;
    try {
      body = await client.request(
        {
          op: 'read',
          group: SmpGroup.fileSystem,
          commandId: FileSystemCommand.file,
          body: { off: received, name: path },
        },
        options.signal,
      );
    } catch (error: unknown) {
      const failure = toAppError(error);
      silentInARow += 1;
      if (failure.code !== 'DEVICE_NOT_RESPONDING' || silentInARow > (options.maxSilentRetries ?? 3))
        throw failure;
      continue;
    }
    silentInARow = 0;
    const answer = parseSmpResponse(downloadAnswerSchema, body, 'fs download');
    if (answer.off !== received)
      throw new AppError(
        'DEVICE_PROTOCOL',
        `fs download asked for offset ${received}, the device answered ${answer.off}`,
      );
    if (file === undefined) {
      if (answer.len === undefined)
        throw new AppError('DEVICE_PROTOCOL', 'fs download answer at offset 0 has no "len"');
      if (answer.len > maxBytes)
        throw new AppError(
          'PAYLOAD_TOO_LARGE',
          `${path} is ${answer.len} bytes, more than the ${maxBytes} allowed`,
          {
            details: { lengthBytes: answer.len, maxBytes },
          },
        );
      file = new Uint8Array(answer.len);
    }
    if (answer.data.length === 0 && received < file.length)
      throw new AppError(
        'DEVICE_PROTOCOL',
        `fs download of ${path} stopped at ${received} of ${file.length} bytes`,
      );
    if (received + answer.data.length > file.length)
      throw new AppError(
        'DEVICE_PROTOCOL',
        `fs download of ${path} sent more than the ${file.length} bytes announced`,
      );
    file.set(answer.data, received);
    received += answer.data.length;
    options.onProgress?.({ receivedBytes: received, totalBytes: file.length });
  }
  return file;
}

/** Is this the device saying the path holds no such file? */
export function isFileNotFound(error: unknown): boolean {
  return (
    error instanceof AppError &&
    error.code === 'DEVICE_REJECTED' &&
    ((error.details?.group === SmpGroup.fileSystem && error.details.rc === FileSystemErrorRc.fileNotFound) ||
      (error.details?.kind === 'smp-error' && error.details.rc === 5))
  );
}
