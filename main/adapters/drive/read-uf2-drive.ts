import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseInfoUf2 } from '../../core/drivers/uf2/info-uf2-parser';
import type { Uf2Drive } from '../../core/ports/drive-watcher';

export const INFO_UF2_FILE = 'INFO_UF2.TXT';
/** More than any real INFO_UF2.TXT; the parser refuses what is larger. */
const MAX_READ_BYTES = 16 * 1024 + 1;

/** What a folder turned out to be: a UF2 drive, a folder with a broken INFO_UF2.TXT, or something else. */
export type FolderVerdict =
  | { kind: 'uf2'; drive: Uf2Drive; mountIdentity: string }
  | { kind: 'malformed'; reason: string; mountIdentity: string }
  | { kind: 'not-uf2' };

/**
 * Reads INFO_UF2.TXT at the folder's root (protocols.md §4: the detection signal). FAT is
 * case-insensitive but the mounted name's case varies, so the usual spellings are tried.
 */
export async function readUf2Drive(folder: string): Promise<FolderVerdict> {
  for (const name of [INFO_UF2_FILE, 'info_uf2.txt', 'Info_Uf2.txt']) {
    const bytes = await readStart(join(folder, name));
    if (bytes === undefined) continue;
    const mountIdentity = await identify(folder, bytes);
    try {
      return { kind: 'uf2', drive: { folder, info: parseInfoUf2(bytes) }, mountIdentity };
    } catch (error: unknown) {
      return {
        kind: 'malformed',
        reason: error instanceof Error ? error.message : String(error),
        mountIdentity,
      };
    }
  }
  return { kind: 'not-uf2' };
}

/**
 * What tells one mount of the folder from the next: the folder's device and inode (a fresh mount or a
 * re-created folder usually has new ones) and the INFO_UF2.TXT text. A board that reboots faster than
 * a scan still shows up as gone and back when any of them changed.
 */
async function identify(folder: string, info: Uint8Array): Promise<string> {
  const status = await stat(folder).catch(() => undefined);
  return `${status?.dev ?? '?'}:${status?.ino ?? '?'}:${Buffer.from(info).toString('base64')}`;
}

async function readStart(path: string): Promise<Uint8Array | undefined> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (handle === undefined) return undefined;
  try {
    const buffer = new Uint8Array(MAX_READ_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, MAX_READ_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } catch {
    // The drive went away between open and read: for detection that is the same as no file.
    return undefined;
  } finally {
    await handle.close();
  }
}
