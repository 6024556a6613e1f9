import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { FileSystemCommand } from '../../../../main/core/drivers/smp/file-system-commands';
import type { SmpMap } from '../../../../main/core/drivers/smp/smp-cbor';
import { SmpGroup } from '../../../../main/core/drivers/smp/smp-header';
import { FileSystemErrorRc, SmpRc } from '../../../../main/core/drivers/smp/smp-status';
import { largestDataThatFits } from '../../../../main/core/drivers/smp/upload-chunk-size';
import { FS_MAX_PATH_BYTES } from './lab-file-system';
import { optionalBytes, optionalText, optionalUint } from './request-fields';
import type { SmpDispatcher, SmpHandlerResult } from './smp-dispatcher';
import type { SmpDeviceContext } from './smp-device-context';

/** The one transfer fs_mgmt tracks, in RAM (a reset forgets it). */
interface FileTransfer {
  kind: 'upload' | 'download';
  path: string;
  /** Next expected offset. */
  offset: number;
  /** Total length: announced by the client (upload) or the file's (download). */
  lengthBytes: number;
}

const HASH_TYPES = { crc32: { format: 0, size: 4 }, sha256: { format: 1, size: 32 } } as const;

/**
 * File-system group 8 as Zephyr's fs_mgmt implements it (protocols.md §1): upload appends at the file's
 * end (`off: 0` with `len` truncates and starts; any other offset than the file's length is refused
 * with FILE_OFFSET_NOT_VALID and `len`, and the transfer is forgotten), download reads chunks sized to
 * the buffer, status, hash/checksum (crc32, sha256) over a range, supported types, and close.
 * Returns `forget`, called at reset.
 */
export function registerFileSystemGroup(dispatcher: SmpDispatcher, device: SmpDeviceContext): () => void {
  const group = SmpGroup.fileSystem;
  let transfer: FileTransfer | undefined;
  const fs = device.fileSystem;

  dispatcher.on(group, FileSystemCommand.file, 'write', async (body): Promise<SmpHandlerResult> => {
    const offset = optionalUint(body, 'off');
    const path = requiredPath(body);
    const data = optionalBytes(body, 'data') ?? new Uint8Array(0);
    const announced = optionalUint(body, 'len');
    if (offset === undefined || path === undefined || (offset === 0 && announced === undefined))
      return { smpRc: SmpRc.invalid };
    const check = fs.checkPath(path, 'write');
    if (!check.ok) return { groupRc: check.rc };
    if (transfer?.kind !== 'upload' || transfer.path !== path) {
      if ((await fs.length(path)) === undefined) await fs.truncate(path);
      transfer = { kind: 'upload', path, offset: 0, lengthBytes: 0 };
    }
    const current = transfer;
    let existingBytes = 0;
    if (offset === 0) {
      current.lengthBytes = announced!;
      existingBytes = (await fs.length(path)) ?? 0;
    } else if (current.offset === 0) {
      current.offset = (await fs.length(path)) ?? 0;
    }
    if (offset > 0 && offset !== current.offset) {
      transfer = undefined;
      return { groupRc: FileSystemErrorRc.fileOffsetNotValid, extra: { len: current.offset } };
    }
    if (data.length > 0) {
      if (offset === 0 && existingBytes !== 0) await fs.truncate(path);
      await device.beforeTransferWrite('file', offset, current.lengthBytes);
      await device.storageFlash.program(offset, data.length);
      if (!(await fs.append(path, data))) {
        transfer = undefined;
        return { groupRc: FileSystemErrorRc.fileWriteFailed };
      }
      current.offset = offset + data.length;
      device.afterTransferWrite('file', current.offset, current.lengthBytes);
    }
    if (current.lengthBytes > 0 && current.offset >= current.lengthBytes && transfer === current)
      transfer = undefined;
    return { body: { off: current.offset } };
  });

  dispatcher.on(group, FileSystemCommand.file, 'read', async (body): Promise<SmpHandlerResult> => {
    const offset = optionalUint(body, 'off');
    const path = requiredPath(body);
    if (offset === undefined || path === undefined) return { smpRc: SmpRc.invalid };
    const check = fs.checkPath(path, 'read');
    if (!check.ok) return { groupRc: check.rc };
    if (transfer?.kind !== 'download' || transfer.path !== path) {
      const lengthBytes = await fs.length(path);
      if (lengthBytes === undefined) {
        transfer = undefined;
        return { groupRc: FileSystemErrorRc.fileNotFound };
      }
      transfer = { kind: 'download', path, offset: 0, lengthBytes };
    }
    const current = transfer;
    // The answer must fit the device's own buffer (MCUMGR_GRP_FS_DL_CHUNK_SIZE follows it).
    const shape: SmpMap = offset === 0 ? { off: offset, len: current.lengthBytes } : { off: offset };
    const chunk = await fs.read(path, offset, largestDataThatFits(shape, device.config.bufSizeBytes));
    current.offset = offset + chunk.length;
    if (current.offset >= current.lengthBytes) transfer = undefined;
    return { body: { ...shape, data: chunk } };
  });

  dispatcher.on(group, FileSystemCommand.status, 'read', async (body): Promise<SmpHandlerResult> => {
    const path = requiredPath(body);
    if (path === undefined) return { smpRc: SmpRc.invalid };
    const check = fs.checkPath(path, 'read');
    if (!check.ok) return { groupRc: check.rc };
    const lengthBytes = await fs.length(path);
    return lengthBytes === undefined
      ? { groupRc: FileSystemErrorRc.fileNotFound }
      : { body: { len: lengthBytes } };
  });

  dispatcher.on(group, FileSystemCommand.hashChecksum, 'read', async (body) => hashChecksum(device, body));

  dispatcher.on(group, FileSystemCommand.supportedHashes, 'read', () =>
    Promise.resolve({ body: { types: { ...HASH_TYPES } } }),
  );

  dispatcher.on(group, FileSystemCommand.closeFile, 'write', () => {
    transfer = undefined;
    return Promise.resolve({ body: {} });
  });

  dispatcher.setLegacyTranslation(group, legacyFileSystemRc);
  return () => {
    transfer = undefined;
  };
}

async function hashChecksum(device: SmpDeviceContext, body: SmpMap): Promise<SmpHandlerResult> {
  const path = requiredPath(body);
  const type = optionalText(body, 'type') ?? 'crc32';
  const offset = optionalUint(body, 'off') ?? 0;
  const maxBytes = optionalUint(body, 'len');
  if (path === undefined || maxBytes === 0 || type.length > 8) return { smpRc: SmpRc.invalid };
  if (type !== 'crc32' && type !== 'sha256') return { groupRc: FileSystemErrorRc.checksumHashNotFound };
  const check = device.fileSystem.checkPath(path, 'read');
  if (!check.ok) return { groupRc: check.rc };
  const fileBytes = await device.fileSystem.length(path);
  if (fileBytes === undefined) return { groupRc: FileSystemErrorRc.fileNotFound };
  if (fileBytes <= offset)
    return {
      groupRc: fileBytes === 0 ? FileSystemErrorRc.fileEmpty : FileSystemErrorRc.fileOffsetLargerThanFile,
    };
  const span = Math.min(fileBytes - offset, maxBytes ?? Number.MAX_SAFE_INTEGER);
  const bytes = await device.fileSystem.read(path, offset, span);
  const output =
    type === 'sha256' ? new Uint8Array(createHash('sha256').update(bytes).digest()) : crc32(bytes) >>> 0;
  const answer: SmpMap = { type };
  if (offset !== 0) answer.off = offset;
  answer.len = bytes.length;
  answer.output = output;
  return { body: answer };
}

/** `name` as fs_mgmt reads it: text of 1 to CONFIG_MCUMGR_GRP_FS_PATH_LEN bytes, else undefined (INVAL). */
function requiredPath(body: SmpMap): string | undefined {
  const path = optionalText(body, 'name');
  if (path === undefined) return undefined;
  const bytes = Buffer.byteLength(path, 'utf8');
  return bytes === 0 || bytes > FS_MAX_PATH_BYTES ? undefined : path;
}

/** Zephyr's `fs_mgmt_translate_error_code`. */
function legacyFileSystemRc(rc: number): number {
  switch (rc) {
    case FileSystemErrorRc.fileInvalidName:
    case FileSystemErrorRc.checksumHashNotFound:
      return SmpRc.invalid;
    case FileSystemErrorRc.fileNotFound:
    case FileSystemErrorRc.mountPointNotFound:
      return SmpRc.noEntry;
    default:
      return SmpRc.unknown;
  }
}
