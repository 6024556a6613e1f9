import { watch } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteLedgerStore } from '../main/adapters/ledger/sqlite-ledger-store';
import { DiscoverableSerialPorts } from '../main/adapters/serial/discoverable-serial-ports';
import { SerialportPorts } from '../main/adapters/serial/serialport-ports';
import { createCore } from '../main/core/create-core';
import { SerialDiscovery } from '../main/core/discovery/serial-discovery';
import { systemClock } from '../main/core/ports/clock';
import { silentLogger } from '../main/core/ports/logger';
import { SMP_DEVICE_DEFAULTS } from '../e2e/lab/devices/smp/smp-device-config';
import { startSerialSmpDevice } from '../e2e/lab/running-smp-device';

export const SERIAL_BAUD = 115_200;

/**
 * One trial: a station core with serial discovery polling as in the product (250 ms, the lab glob),
 * then a lab SMP device appears on a new pty at a random phase of the poll. Measured from the moment
 * the pty link appears (inotify on its folder) to the core's `devices:changed` naming the device.
 */
export async function measureSerialTrial(stateDir: string): Promise<number> {
  const folder = await mkdtemp(join(tmpdir(), 'fieldline-bench-discovery-'));
  const store = SqliteLedgerStore.open(join(folder, 'ledger.db'));
  const core = createCore(
    { ledgerStore: store, clock: systemClock, logger: silentLogger },
    { host: 'station', version: 'bench', dataDir: folder, platform: process.platform },
  );
  const ports = new DiscoverableSerialPorts(new SerialportPorts(), {
    extraGlobs: [join(folder, 'lab', '*', 'pty', 'app')],
  });
  const discovery = new SerialDiscovery(ports, core.registry, silentLogger);
  const ptyDir = join(folder, 'lab', 'unit', 'pty');
  await mkdir(ptyDir, { recursive: true });
  let appearedAt: number | undefined;
  const watcher = watch(ptyDir, (_event, name) => {
    if (name === 'app' && appearedAt === undefined) appearedAt = performance.now();
  });
  const listed = new Promise<number>((resolve) =>
    core.events.onEvent((name, payload) => {
      if (name === 'devices:changed' && (payload as { upserted: unknown[] }).upserted.length > 0)
        resolve(performance.now());
    }),
  );
  discovery.start();
  // Past the start-up listing, at a random phase of the 250 ms poll.
  await new Promise((resolve) => setTimeout(resolve, 1_000 + Math.random() * 250));
  const config = { ...SMP_DEVICE_DEFAULTS, name: 'bench', serialNumber: 'BENCH-0001', stateDir };
  const lab = await startSerialSmpDevice(config, ptyDir, { baudRate: SERIAL_BAUD, printsBootBanner: true });
  try {
    const listedAt = await Promise.race([
      listed,
      new Promise<number>((_, reject) =>
        setTimeout(() => reject(new Error('device not listed within 10 s')), 10_000),
      ),
    ]);
    if (appearedAt === undefined) throw new Error('the pty link was never seen appearing');
    return listedAt - appearedAt;
  } finally {
    watcher.close();
    await discovery.stop();
    await lab.stop();
    store.close();
    await rm(folder, { recursive: true, force: true });
  }
}
