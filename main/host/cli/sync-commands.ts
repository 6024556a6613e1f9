import { readFileSync } from 'node:fs';
import type { SyncStatus } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { writeLine, type CliOutput } from './cli-output';
import { EXIT } from './exit-codes';
import { openCliCore } from './open-cli-core';

/** Sends waiting records now (when enrolled) and prints the sync status; offline is not a failure. */
export async function syncNow(output: CliOutput, dataDir: string | undefined): Promise<number> {
  const { core, close } = openCliCore(dataDir);
  try {
    const status = await core.handlers['sync:now'](undefined);
    await printStatus(output, status);
    return status.state === 'error' ? EXIT.failed : EXIT.ok;
  } finally {
    await core.stop();
    close();
  }
}

export interface EnrollOptions {
  server: string;
  token: string;
  ca: string;
}

/** Enrolls this station at a fleet server with a bootstrap token, then sends what is waiting. */
export async function syncEnroll(output: CliOutput, dataDir: string | undefined, options: EnrollOptions): Promise<number> {
  let caPem: string;
  try {
    caPem = readFileSync(options.ca, 'utf8');
  } catch (error: unknown) {
    throw new AppError('INVALID_INPUT', `--ca ${options.ca} cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { core, close } = openCliCore(dataDir);
  try {
    const status = await core.handlers['sync:enroll-station']({ serverUrl: options.server, token: options.token, caPem });
    await printStatus(output, status);
    return status.state === 'error' ? EXIT.failed : EXIT.ok;
  } finally {
    await core.stop();
    close();
  }
}

async function printStatus(output: CliOutput, status: SyncStatus): Promise<void> {
  if (output.isJson) {
    await writeLine(output.stdout, JSON.stringify(status));
    return;
  }
  const where = status.serverUrl ?? 'no fleet server configured';
  const last = status.lastSuccessAt === null ? 'never' : status.lastSuccessAt;
  await writeLine(output.stdout, `sync ${status.state} · ${status.pendingCount} waiting · ${where} · last success ${last}`);
  if (status.lastError !== null) await writeLine(output.stdout, `  last error: ${status.lastError}`);
}

/** Prints the station's copy of the fleet catalog (what it works from offline); JSON: the whole copy. */
export async function syncCatalog(output: CliOutput, dataDir: string | undefined): Promise<number> {
  const { catalogCache, close } = openCliCore(dataDir);
  try {
    const cached = catalogCache.read();
    if (output.isJson) {
      await writeLine(output.stdout, JSON.stringify(cached));
      return EXIT.ok;
    }
    if (cached === null) {
      await writeLine(output.stdout, 'No catalog yet: enroll the station (fieldline sync enroll) and sync once while online.');
      return EXIT.ok;
    }
    const { catalog } = cached;
    await writeLine(
      output.stdout,
      `catalog checked ${cached.checkedAt} · ${catalog.bundles.length} bundles · ${catalog.recipes.length} recipes · ` +
        `${catalog.trustAnchors.length} trust anchors · ${catalog.revocations.certificates.length} revoked certificates`,
    );
    return EXIT.ok;
  } finally {
    close();
  }
}
