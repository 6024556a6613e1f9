import { AppError } from '../../../../shared/errors';
import type { Logger } from '../../ports/logger';
import type { DriveFileAccess, DriveWatcher, Uf2Drive } from '../../ports/drive-watcher';
import { decodeUf2File } from './uf2-block';
import { buildUf2File, type Uf2BuildOptions } from './uf2-file-builder';
import { readUf2Image } from './uf2-image-reader';
import { waitForDriveEvent } from './wait-for-drive';

export interface FlashUf2Options extends Uf2BuildOptions {
  logger: Logger;
  signal?: AbortSignal;
  onProgress?: (phase: 'copy' | 'reboot' | 'verify') => void;
  /** How long the board may take to act on the copy and to come back (default 30 s each). */
  rebootTimeoutMs?: number;
}

export interface FlashUf2Result {
  /** The drive as it came back after the reboot. */
  drive: Uf2Drive;
  verification: 'verified-by-current-uf2' | 'not-supported';
}

/**
 * Flashes a UF2 bootloader drive (protocols.md §4): converts the binary to a .uf2 file, copies it onto
 * the drive, waits for the board to take it (the drive disappears as it reboots) and to come back,
 * then reads CURRENT.UF2, where the bootloader offers it, to verify the flash. A copy the board never
 * acts on (wrong family id, blocks outside its flash) ends in TIMEOUT with that hint.
 */
export async function flashUf2Drive(
  drives: DriveWatcher,
  files: DriveFileAccess,
  drive: Uf2Drive,
  binary: Uint8Array,
  options: FlashUf2Options,
): Promise<FlashUf2Result> {
  const file = buildUf2File(binary, options);
  const returned = await copyUf2File(drives, files, drive, file, {
    ...options,
    ignoredHint: `check the family id (0x${options.familyId.toString(16)}) and base address`,
  });
  options.onProgress?.('verify');
  return { drive: returned, verification: await verifyCurrentUf2(files, returned, binary, options) };
}

export interface CopyUf2Options {
  logger: Logger;
  signal?: AbortSignal;
  onProgress?: (phase: 'copy' | 'reboot') => void;
  /** How long the board may take to act on the copy and to come back (default 30 s each). */
  rebootTimeoutMs?: number;
  /** What to check when the board ignores the copy, for the TIMEOUT message. */
  ignoredHint?: string;
}

/**
 * Copies a whole .uf2 file onto the drive (written and fsynced by the drive port), waits for the board
 * to take it (the drive vanishes as it reboots) and to come back as the same board at the same folder.
 * Resolves with the drive as it came back; verification is the caller's (CURRENT.UF2).
 */
export async function copyUf2File(
  drives: DriveWatcher,
  files: DriveFileAccess,
  drive: Uf2Drive,
  file: Uint8Array,
  options: CopyUf2Options,
): Promise<Uf2Drive> {
  const timeoutMs = options.rebootTimeoutMs ?? 30_000;
  const signal = options.signal;
  const isSameBoard = (candidate: Uf2Drive): boolean =>
    candidate.folder === drive.folder &&
    candidate.info.model === drive.info.model &&
    candidate.info.serialNumber === drive.info.serialNumber;
  const gone = waitForDriveEvent(
    (listener) => drives.onDisappear(listener),
    (candidate) => candidate.folder === drive.folder,
    {
      timeoutMs,
      ...(signal ? { signal } : {}),
      timeoutMessage: `the board at ${drive.folder} did not take the copy; ${options.ignoredHint ?? 'check the family id and addresses of the file'}`,
    },
  );
  options.onProgress?.('copy');
  try {
    await files.writeFile(drive.folder, 'FIRMWARE.UF2', file, signal);
  } catch (error: unknown) {
    // A board that reboots as the last sector lands may take the drive away before the write returns.
    const isDriveGone =
      error instanceof AppError && (error.code === 'NOT_FOUND' || error.code === 'TRANSPORT_CLOSED');
    if (!isDriveGone) {
      gone.cancel();
      throw error;
    }
  }
  options.logger.info(
    { folder: drive.folder, bytes: file.length },
    'UF2 file copied; waiting for the board to reboot',
  );
  const back = waitForDriveEvent((listener) => drives.onAppear(listener), isSameBoard, {
    timeoutMs: 2 * timeoutMs,
    ...(signal ? { signal } : {}),
    timeoutMessage: `the board did not come back as a drive at ${drive.folder}`,
  });
  try {
    await gone.promise;
    options.onProgress?.('reboot');
    return await back.promise;
  } finally {
    back.cancel();
  }
}

async function verifyCurrentUf2(
  files: DriveFileAccess,
  drive: Uf2Drive,
  binary: Uint8Array,
  options: FlashUf2Options,
): Promise<FlashUf2Result['verification']> {
  let current: Uint8Array;
  try {
    current = await files.readFile(drive.folder, 'CURRENT.UF2', options.signal);
  } catch (error: unknown) {
    if (error instanceof AppError && error.code === 'NOT_FOUND') return 'not-supported';
    throw error;
  }
  const image = readUf2Image(decodeUf2File(current), {
    familyId: options.familyId,
    baseAddress: options.baseAddress,
    lengthBytes: binary.length,
  });
  const offset = image.findIndex((byte, index) => byte !== binary[index]);
  if (offset !== -1) {
    throw new AppError('FIRMWARE_VERIFY_FAILED', `CURRENT.UF2 differs from the firmware at byte ${offset}`, {
      details: { offset, folder: drive.folder },
    });
  }
  return 'verified-by-current-uf2';
}
