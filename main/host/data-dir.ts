import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface DataDirSources {
  /** `--data-dir` from the command line. */
  flag?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Electron's `app.getPath('userData')`, when running inside Electron. */
  electronUserData?: string | undefined;
}

/**
 * Where the ledger and station state live: `--data-dir`, else `FIELDLINE_DATA_DIR`, else Electron's
 * userData, else `$XDG_DATA_HOME/fieldline` (default `~/.local/share/fieldline`) when headless.
 */
export function resolveDataDir(sources: DataDirSources): string {
  const env = sources.env ?? process.env;
  if (sources.flag !== undefined && sources.flag !== '') return resolve(sources.flag);
  const fromEnv = env.FIELDLINE_DATA_DIR;
  if (fromEnv !== undefined && fromEnv !== '') return resolve(fromEnv);
  if (sources.electronUserData !== undefined) return sources.electronUserData;
  const xdg = env.XDG_DATA_HOME;
  const base = xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.local', 'share');
  return join(base, 'fieldline');
}

/** The ledger file inside a data folder. */
export function ledgerPath(dataDir: string): string {
  return join(dataDir, 'ledger.db');
}
