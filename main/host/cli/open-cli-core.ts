import { CatalogCacheFile } from '../../adapters/fleet/catalog-cache-file';
import { FileBackedFleetConnection } from '../../adapters/fleet/fleet-connection';
import { createCore, type Core } from '../../core/create-core';
import type { CatalogCache } from '../../core/ports/fleet-client';
import { systemClock } from '../../core/ports/clock';
import { readAppVersion } from '../app-version';
import { resolveDataDir } from '../data-dir';
import { openCliDataFolder } from './cli-data-folder';

export interface CliCore {
  core: Core;
  catalogCache: CatalogCache;
  close: () => void;
}

/** The core for one CLI command, on the same data folder the station uses (SQLite arbitrates). */
export function openCliCore(dataDirFlag: string | undefined): CliCore {
  const dataDir = resolveDataDir({ flag: dataDirFlag });
  const { store, log, close } = openCliDataFolder(dataDir);
  const fleet = new FileBackedFleetConnection(dataDir, store.stationId);
  const catalogCache = new CatalogCacheFile(dataDir, log.logger);
  const core = createCore(
    { ledgerStore: store, clock: systemClock, logger: log.logger, fleet, catalogCache },
    { host: 'cli', version: readAppVersion(), dataDir, platform: process.platform },
  );
  return {
    core,
    catalogCache,
    close,
  };
}
