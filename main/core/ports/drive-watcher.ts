import type { Disposable } from '../event-bus';

/**
 * What INFO_UF2.TXT at a drive's root says (protocols.md §4): the detection signal of a UF2 bootloader.
 * Parsed by main/core/drivers/uf2/info-uf2-parser.ts.
 */
export interface Uf2BootloaderInfo {
  /** The first line, e.g. `UF2 Bootloader v3.0`. */
  banner: string;
  /** `Model:` — the human-readable board name. */
  model: string;
  /** `Board-ID:` — CPU type, board type and revision as dash-separated tokens: a board type, not one unit. */
  boardId?: string;
  /** `Serial:` / `Serial Number:`, which some bootloaders add: the only field naming one unit. */
  serialNumber?: string;
  /** Every `Key: value` line, keys as written. */
  fields: Record<string, string>;
}

/** A mounted folder whose root holds a well-formed INFO_UF2.TXT. */
export interface Uf2Drive {
  /** Absolute path of the mount point (or configured folder). */
  folder: string;
  info: Uf2BootloaderInfo;
}

/**
 * Mass-storage drives of UF2 bootloaders as the core sees them. The real adapter watches configured
 * folders and, on Linux, the mount points under /media and /run/media (main/adapters/drive); the device
 * lab's UF2 drive is a folder that appears and disappears under a configured folder. Folders whose
 * INFO_UF2.TXT is malformed are skipped by the adapter, with the reason logged.
 */
export interface DriveWatcher {
  /** UF2 drives mounted now. */
  list(signal?: AbortSignal): Promise<Uf2Drive[]>;
  /** A drive was mounted (or its INFO_UF2.TXT became readable). */
  onAppear(listener: (drive: Uf2Drive) => void): Disposable;
  /** A drive went away: unmounted, or the board rebooted after a copy. */
  onDisappear(listener: (drive: Uf2Drive) => void): Disposable;
  /** Stops watching; safe to call more than once. */
  close(): Promise<void>;
}

/**
 * Files on a mounted drive. Writing a .uf2 file is how a UF2 board is flashed; CURRENT.UF2 reads the
 * flash back. Fails with NOT_FOUND when the drive is gone (it vanishes when the board reboots) and
 * TRANSPORT_CLOSED when it disappears during the copy.
 */
export interface DriveFileAccess {
  /** Writes `bytes` as `fileName` at the drive's root and flushes it to the device (fsync). */
  writeFile(folder: string, fileName: string, bytes: Uint8Array, signal?: AbortSignal): Promise<void>;
  readFile(folder: string, fileName: string, signal?: AbortSignal): Promise<Uint8Array>;
}
