import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Uf2LabDrive } from './devices/uf2/uf2-lab-drive';
import type { Uf2LabDriveOptions } from './devices/uf2/uf2-lab-drive-config';

/** Where a lab UF2 drive is: a folder under the lab's drive root, which a station watches as a drive folder. */
export interface DriveLabAddress {
  kind: 'drive';
  /** The drive's root (`<drive root>/<volume label>`); it exists only while the drive is mounted. */
  folder: string;
  /** The folder to give a station as FIELDLINE_DRIVE_FOLDERS. */
  mountRoot: string;
  isMounted: boolean;
  serialNumber: string | null;
}

/** A lab UF2 drive, mounted; `stop()` unmounts it and waits for work in flight (its state folder stays). */
export interface RunningUf2Device {
  family: 'uf2';
  name: string;
  stateDir: string;
  readonly address: DriveLabAddress;
  device: Uf2LabDrive;
  stop(): Promise<void>;
}

export async function startUf2Device(name: string, options: Uf2LabDriveOptions): Promise<RunningUf2Device> {
  // A lab killed with SIGKILL leaves its drive folder behind; the mount must start from nothing, as a
  // real mount does (the flash lives in the state folder, not here).
  if (options.volumeLabel !== undefined)
    await rm(join(options.mountRoot, options.volumeLabel), { recursive: true, force: true });
  const device = await Uf2LabDrive.start(options);
  return {
    family: 'uf2',
    name,
    stateDir: options.stateDir,
    get address(): DriveLabAddress {
      return {
        kind: 'drive',
        folder: device.folder,
        mountRoot: device.config.mountRoot,
        isMounted: device.isMounted,
        serialNumber: device.config.serialNumber ?? null,
      };
    },
    device,
    stop: () => device.stop(),
  };
}
