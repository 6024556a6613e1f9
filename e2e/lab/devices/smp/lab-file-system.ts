import { appendFile, mkdir, open, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileSystemErrorRc } from '../../../../main/core/drivers/smp/smp-status';

/** Zephyr's default CONFIG_MCUMGR_GRP_FS_PATH_LEN: longer names are refused with INVAL. */
export const FS_MAX_PATH_BYTES = 64;

export interface LabFileSystemOptions {
  /** Where the file system is mounted; paths outside it have no file system. */
  mountPoint?: string;
  /** Bytes the files may take in total (the storage partition); writes past it fail. */
  capacityBytes?: number;
}

/** A path the file system can use, or the fs_mgmt error for one it cannot. */
export type PathCheck = { ok: true } | { ok: false; rc: number };

/**
 * The LittleFS volume on the device's storage partition, as fs_mgmt sees it (protocols.md §1, group 8).
 * Files live in `<state>/fs/`, one host file per device path with the path percent-encoded into a
 * single name, so no device path can reach outside that folder. Directories are implicit.
 */
export class LabFileSystem {
  readonly folder: string;
  readonly mountPoint: string;
  readonly capacityBytes: number;

  constructor(stateDir: string, options: LabFileSystemOptions = {}) {
    this.folder = join(stateDir, 'fs');
    this.mountPoint = options.mountPoint ?? '/lfs1';
    this.capacityBytes = options.capacityBytes ?? 64 * 1024;
  }

  /** Zephyr refuses relative paths, `.`/`..` and empty components (-EINVAL), and paths off the mount. */
  checkPath(path: string, access: 'read' | 'write'): PathCheck {
    const parts = path.split('/');
    if (!path.startsWith('/') || parts.slice(1).some((part) => part === '' || part === '.' || part === '..'))
      return { ok: false, rc: FileSystemErrorRc.fileInvalidName };
    if (!path.startsWith(`${this.mountPoint}/`))
      return {
        ok: false,
        rc: access === 'write' ? FileSystemErrorRc.mountPointNotFound : FileSystemErrorRc.fileNotFound,
      };
    return { ok: true };
  }

  /** The file's length, or undefined when it does not exist. */
  async length(path: string): Promise<number | undefined> {
    try {
      return (await stat(this.#hostPath(path))).size;
    } catch (error: unknown) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Up to `maxBytes` from `offset`; fewer (or none) at the end of the file. */
  async read(path: string, offset: number, maxBytes: number): Promise<Uint8Array> {
    const handle = await open(this.#hostPath(path), 'r');
    try {
      const buffer = new Uint8Array(maxBytes);
      const { bytesRead } = await handle.read(buffer, 0, maxBytes, offset);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  /** Creates the file, or truncates it to nothing. */
  async truncate(path: string): Promise<void> {
    await mkdir(this.folder, { recursive: true });
    await writeFile(this.#hostPath(path), new Uint8Array(0));
  }

  /** Appends; false (nothing written) when the volume has no room for it. */
  async append(path: string, bytes: Uint8Array): Promise<boolean> {
    if ((await this.usedBytes()) + bytes.length > this.capacityBytes) return false;
    await mkdir(this.folder, { recursive: true });
    await appendFile(this.#hostPath(path), bytes);
    return true;
  }

  async usedBytes(): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.folder);
    } catch (error: unknown) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
    const sizes = await Promise.all(names.map(async (name) => (await stat(join(this.folder, name))).size));
    return sizes.reduce((sum, size) => sum + size, 0);
  }

  /** Every device path that holds a file. */
  async list(): Promise<string[]> {
    try {
      return (await readdir(this.folder)).map((name) => decodeURIComponent(name)).sort();
    } catch (error: unknown) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  /** Erasing the storage partition leaves no file behind. */
  async erase(): Promise<void> {
    await rm(this.folder, { recursive: true, force: true });
  }

  #hostPath(path: string): string {
    // encodeURIComponent turns every '/' into %2F: one flat name per device path, never `..`.
    return join(this.folder, encodeURIComponent(path));
  }
}
