import { isAbsolute } from 'node:path';
import { FolderDriveWatcher } from '../adapters/drive/folder-drive-watcher';
import { splitPatternList } from '../adapters/serial/path-globs';
import { AppError } from '../../shared/errors';
import type { Core } from '../core/create-core';
import { DriveDiscovery } from '../core/discovery/drive-discovery';
import type { Logger } from '../core/ports/logger';

/** The environment variable naming folders where UF2 drives appear (comma-separated absolute paths). */
export const DRIVE_FOLDERS_ENV = 'FIELDLINE_DRIVE_FOLDERS';

export interface DriveDiscoverySetup {
  /** Folders that are drives or hold drives one level down; default: `$FIELDLINE_DRIVE_FOLDERS`. */
  driveFolders?: readonly string[];
  /** Also watch /media and /run/media (default: on Linux). */
  includeSystemMounts?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface DriveDiscoveryHandle {
  discovery: DriveDiscovery;
  folders: string[];
  stop: () => Promise<void>;
}

/**
 * UF2 drive discovery on the folder watcher (main/adapters/drive), reporting into the core's registry.
 * A folder that is not an absolute path fails here with INVALID_INPUT naming it, as serial patterns do,
 * rather than silently watching a path relative to wherever the process happened to start.
 */
export function startDriveDiscovery(
  core: Core,
  logger: Logger,
  setup: DriveDiscoverySetup = {},
): DriveDiscoveryHandle {
  const log = logger.child({ transport: 'drive' });
  const folders = [
    ...(setup.driveFolders ?? splitPatternList((setup.env ?? process.env)[DRIVE_FOLDERS_ENV])),
  ];
  for (const folder of folders) {
    if (folder.trim() === '' || !isAbsolute(folder))
      throw new AppError('INVALID_INPUT', `drive folder "${folder}" must be an absolute path`, {
        details: { folder },
      });
  }
  const watcher = new FolderDriveWatcher({
    folders,
    logger: log,
    ...(setup.includeSystemMounts === undefined ? {} : { includeSystemMounts: setup.includeSystemMounts }),
  });
  const discovery = new DriveDiscovery(watcher, core.registry, log);
  void discovery.start();
  log.info(
    { folders, includeSystemMounts: setup.includeSystemMounts ?? process.platform === 'linux' },
    'watching for UF2 drives',
  );
  return {
    discovery,
    folders,
    stop: async () => {
      await discovery.stop();
      await watcher.close();
    },
  };
}
