import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors';

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error: unknown) {
    // EPERM: the process exists but belongs to someone else.
    return (error as { code?: string }).code === 'EPERM';
  }
}

/**
 * PGlite is a single-process database: two processes opening one data folder corrupt it. The
 * server and the CLI (when no server is running) therefore hold `<dataDir>/pglite.lock`; a lock
 * left by a process that no longer exists is taken over.
 */
export async function lockDataDir(dataDir: string): Promise<{ release(): Promise<void> }> {
  const path = join(dataDir, 'pglite.lock');
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const handle = await open(path, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      return { release: () => rm(path, { force: true }) };
    } catch (error: unknown) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
      const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(owner) && owner > 0 && isProcessAlive(owner)) {
        throw new AppError('DATA_DIR_UNUSABLE', `another fleet-server process (pid ${owner}) is using ${dataDir}`, {
          details: { dataDir, pid: owner },
        });
      }
      await rm(path, { force: true });
    }
  }
  throw new AppError('DATA_DIR_UNUSABLE', `could not lock ${dataDir}`, { details: { dataDir } });
}
