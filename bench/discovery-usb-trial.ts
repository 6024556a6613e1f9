import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteLedgerStore } from '../main/adapters/ledger/sqlite-ledger-store';
import { createCore } from '../main/core/create-core';
import { systemClock } from '../main/core/ports/clock';
import { silentLogger } from '../main/core/ports/logger';
import { startUsbDiscovery } from '../main/host/start-usb-discovery';
import { DfuLabDevice } from '../e2e/lab/devices/dfu/dfu-lab-device';
import { VirtualUsbBus } from '../e2e/lab/virtual-usb-bus';

/**
 * One trial: a station core with USB discovery as the runtime starts it (host/start-usb-discovery.ts),
 * on the lab's virtual bus, then a lab DFU device is plugged in at a random moment. Measured from the
 * plug (the bus enumerates it and fires attach) to the core's `devices:changed` naming it, which
 * includes writing `device.discovered` to the SQLite ledger. The bus is in memory, so this is the cost
 * of discovery's own path, without the kernel's and libusb's share of a real hotplug.
 */
export async function measureUsbTrial(stateDir: string): Promise<number> {
  const folder = await mkdtemp(join(tmpdir(), 'fieldline-bench-usb-'));
  const store = SqliteLedgerStore.open(join(folder, 'ledger.db'));
  const core = createCore(
    { ledgerStore: store, clock: systemClock, logger: silentLogger },
    { host: 'station', version: 'bench', dataDir: folder, platform: process.platform },
  );
  const bus = new VirtualUsbBus();
  const discovery = startUsbDiscovery(core, silentLogger, bus);
  const listed = new Promise<number>((resolve) =>
    core.events.onEvent((name, payload) => {
      if (name === 'devices:changed' && (payload as { upserted: unknown[] }).upserted.length > 0)
        resolve(performance.now());
    }),
  );
  const device = await DfuLabDevice.create({ stateDir, serialNumber: 'BENCH-USB-0001' });
  try {
    await new Promise((resolve) => setTimeout(resolve, 200 + Math.random() * 250));
    const pluggedAt = performance.now();
    bus.plug(device);
    const listedAt = await Promise.race([
      listed,
      new Promise<number>((_, reject) =>
        setTimeout(() => reject(new Error('device not listed within 10 s')), 10_000),
      ),
    ]);
    return listedAt - pluggedAt;
  } finally {
    await discovery.stop();
    bus.close();
    await device.stop();
    store.close();
    await rm(folder, { recursive: true, force: true });
  }
}
