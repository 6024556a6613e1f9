import { open, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { AppError } from '../../../shared/errors';
import type { DriveFileAccess } from '../../core/ports/drive-watcher';

/** Written in pieces so that a cancel takes effect within one piece. */
const CHUNK_BYTES = 64 * 1024;

/**
 * Files on mounted drives through node:fs. Writes are flushed with fsync before resolving, because a
 * UF2 bootloader acts on sectors as they reach it, not on a file the OS still holds in its cache.
 */
export class DriveFiles implements DriveFileAccess {
  async writeFile(folder: string, fileName: string, bytes: Uint8Array, signal?: AbortSignal): Promise<void> {
    const path = join(folder, checkedName(fileName));
    const handle = await open(path, 'w').catch((error: unknown) => {
      throw toDriveError(error, `open ${path}`);
    });
    try {
      for (let offset = 0; offset < bytes.length; offset += CHUNK_BYTES) {
        if (signal?.aborted === true) throw new AppError('CANCELLED', 'Cancelled', { cause: signal.reason });
        await handle.write(bytes, offset, Math.min(CHUNK_BYTES, bytes.length - offset), offset);
      }
      await handle.sync();
    } catch (error: unknown) {
      throw toDriveError(error, `write ${path}`);
    } finally {
      await handle.close().catch(() => undefined);
    }
  }

  async readFile(folder: string, fileName: string, signal?: AbortSignal): Promise<Uint8Array> {
    const path = join(folder, checkedName(fileName));
    try {
      return new Uint8Array(await readFile(path, signal === undefined ? {} : { signal }));
    } catch (error: unknown) {
      if (signal?.aborted === true) throw new AppError('CANCELLED', 'Cancelled', { cause: error });
      throw toDriveError(error, `read ${path}`);
    }
  }
}

/** A plain name at the drive's root: no folders, no `..`. */
function checkedName(fileName: string): string {
  if (fileName === '' || basename(fileName) !== fileName || fileName === '.' || fileName === '..') {
    throw new AppError('INVALID_INPUT', `"${fileName}" is not a plain file name`);
  }
  return fileName;
}

function toDriveError(error: unknown, during: string): AppError {
  if (error instanceof AppError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = `${during}: ${error instanceof Error ? error.message : String(error)}`;
  if (code === 'ENOENT' || code === 'ENOTDIR')
    return new AppError('NOT_FOUND', message, { cause: error, details: { errno: code } });
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
    return new AppError('PORT_UNAVAILABLE', message, { cause: error, details: { errno: code } });
  return new AppError('TRANSPORT_CLOSED', message, { cause: error, details: { errno: code } });
}
