import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors';
import { SqliteLedgerStore } from '../../adapters/ledger/sqlite-ledger-store';
import { createPinoLogger, type ClosableLogger } from '../../adapters/pino-logger';
import { ledgerPath } from '../data-dir';

/** What every CLI command that records anything opens: the data folder, its ledger and the CLI's log. */
export interface CliDataFolder {
  store: SqliteLedgerStore;
  log: ClosableLogger;
  close: () => void;
}

/**
 * Creates the data folder if needed (DATA_DIR_UNUSABLE naming it when it cannot), opens the ledger the
 * station uses too (SQLite arbitrates) and the log `logs/cli.log`.
 */
export function openCliDataFolder(dataDir: string): CliDataFolder {
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error: unknown) {
    throw new AppError('DATA_DIR_UNUSABLE', `cannot create the data folder ${dataDir}`, {
      cause: error,
      details: { dataDir },
    });
  }
  const store = SqliteLedgerStore.open(ledgerPath(dataDir));
  const log = createPinoLogger({ destination: join(dataDir, 'logs', 'cli.log') });
  return {
    store,
    log,
    close: () => {
      store.close();
      log.close();
    },
  };
}
