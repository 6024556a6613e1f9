import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors';
import { SqliteLedgerStore } from '../../adapters/ledger/sqlite-ledger-store';
import { CatalogCacheFile } from '../../adapters/fleet/catalog-cache-file';
import { FileBackedFleetConnection } from '../../adapters/fleet/fleet-connection';
import { createPinoLogger } from '../../adapters/pino-logger';
import { createCore, type Core } from '../../core/create-core';
import type { CatalogCache } from '../../core/ports/fleet-client';
import { systemClock } from '../../core/ports/clock';
import { readAppVersion } from '../app-version';
import { ledgerPath, resolveDataDir } from '../data-dir';

export interface CliCore {
  core: Core;
  catalogCache: CatalogCache;
  close: () => void;
}

/** The core for one CLI command, on the same data folder the station uses (SQLite arbitrates). */
export function openCliCore(dataDirFlag: string | undefined): CliCore {
  const dataDir = resolveDataDir({ flag: dataDirFlag });
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error: unknown) {
    throw new AppError('DATA_DIR_UNUSABLE', `cannot create the data folder ${dataDir}`, { cause: error, details: { dataDir } });
  }
  const store = SqliteLedgerStore.open(ledgerPath(dataDir));
  const log = createPinoLogger({ destination: join(dataDir, 'logs', 'cli.log') });
  const fleet = new FileBackedFleetConnection(dataDir, store.stationId);
  const catalogCache = new CatalogCacheFile(dataDir, log.logger);
  const core = createCore(
    { ledgerStore: store, clock: systemClock, logger: log.logger, fleet, catalogCache },
    { host: 'cli', version: readAppVersion(), dataDir, platform: process.platform },
  );
  return {
    core,
    catalogCache,
    close: () => {
      store.close();
      log.close();
    },
  };
}
