import { watch } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteLedgerStore } from '../main/adapters/ledger/sqlite-ledger-store';
import { createCore } from '../main/core/create-core';
import { systemClock } from '../main/core/ports/clock';
import { silentLogger } from '../main/core/ports/logger';
import { startDriveDiscovery } from '../main/host/start-drive-discovery';
import { Uf2LabDrive } from '../e2e/lab/devices/uf2/uf2-lab-drive';

const LABEL = 'BENCHUF2';

/**
 * One trial: a station core with drive discovery as the runtime starts it (host/start-drive-discovery.ts:
 * the folder watcher, fs.watch plus a 250 ms rescan) on a configured folder, then a lab UF2 drive mounts
 * there at a random phase of the rescan. Measured from the moment the drive's folder appears (inotify on
 * the mount root) to the core's `devices:changed` naming it.
 */
export async function measureDriveTrial(stateDir: string): Promise<number> {
  const folder = await mkdtemp(join(tmpdir(), 'fieldline-bench-drive-'));
  const mountRoot = join(folder, 'drives');
  await mkdir(mountRoot, { recursive: true });
  const store = SqliteLedgerStore.open(join(folder, 'ledger.db'));
  const core = createCore(
    { ledgerStore: store, clock: systemClock, logger: silentLogger },
    { host: 'station', version: 'bench', dataDir: folder, platform: process.platform },
  );
  const discovery = startDriveDiscovery(core, silentLogger, {
    driveFolders: [mountRoot],
    includeSystemMounts: false,
  });
  let appearedAt: number | undefined;
  const watcher = watch(mountRoot, (_event, name) => {
    if (name === LABEL && appearedAt === undefined) appearedAt = performance.now();
  });
  const listed = new Promise<number>((resolve) =>
    core.events.onEvent((name, payload) => {
      if (name === 'devices:changed' && (payload as { upserted: unknown[] }).upserted.length > 0)
        resolve(performance.now());
    }),
  );
  let drive: Uf2LabDrive | undefined;
  try {
    // Past the start-up scan, at a random phase of the 250 ms rescan.
    await new Promise((resolve) => setTimeout(resolve, 1_000 + Math.random() * 250));
    drive = await Uf2LabDrive.start({
      mountRoot,
      stateDir,
      volumeLabel: LABEL,
      serialNumber: 'BENCH-UF2-0001',
    });
    const listedAt = await Promise.race([
      listed,
      new Promise<number>((_, reject) =>
        setTimeout(() => reject(new Error('drive not listed within 10 s')), 10_000),
      ),
    ]);
    if (appearedAt === undefined) throw new Error('the drive folder was never seen appearing');
    return listedAt - appearedAt;
  } finally {
    watcher.close();
    await discovery.stop();
    await drive?.stop();
    store.close();
    await rm(folder, { recursive: true, force: true });
  }
}
