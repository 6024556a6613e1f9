import { readdirSync, readlinkSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteLedgerStore } from '../../main/adapters/ledger/sqlite-ledger-store';
import { DiscoverableSerialPorts } from '../../main/adapters/serial/discoverable-serial-ports';
import { SerialportPorts } from '../../main/adapters/serial/serialport-ports';
import { createCore, type Core } from '../../main/core/create-core';
import { SerialDiscovery, type SerialDiscoveryOptions } from '../../main/core/discovery/serial-discovery';
import type { Clock } from '../../main/core/ports/clock';
import type { Logger } from '../../main/core/ports/logger';
import { SMP_DEVICE_DEFAULTS, type SmpDeviceConfig } from '../lab/devices/smp/smp-device-config';
import { startSerialSmpDevice, type RunningSmpDevice } from '../lab/running-smp-device';

/** A log line as the tests see it. */
export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

export function recordingLogger(lines: LogLine[]): Logger {
  const at =
    (level: LogLine['level']) =>
    (fields: Record<string, unknown>, message: string): void => {
      lines.push({ level, message, fields });
    };
  const logger: Logger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => logger,
  };
  return logger;
}

/**
 * A core on a real SQLite ledger in a temp folder, and serial discovery with the real serialport
 * adapter watching `<folder>/lab/*\/pty/app`, where lab devices started by `startDevice` put their pty links.
 */
export async function openDiscoveryHarness(clock: Clock, options: SerialDiscoveryOptions = {}) {
  const folder = await mkdtemp(join(tmpdir(), 'fieldline-discovery-'));
  const labRoot = join(folder, 'lab');
  const store = SqliteLedgerStore.open(join(folder, 'ledger.db'));
  const log: LogLine[] = [];
  const core: Core = createCore(
    { ledgerStore: store, clock, logger: recordingLogger([]) },
    { host: 'station', version: 't', dataDir: folder, platform: 'test' },
  );
  const ports = new DiscoverableSerialPorts(new SerialportPorts(), {
    extraGlobs: [join(labRoot, '*', 'pty', 'app')],
  });
  const discovery = new SerialDiscovery(ports, core.registry, recordingLogger(log), options);
  const devices: RunningSmpDevice[] = [];
  return {
    folder,
    labRoot,
    core,
    discovery,
    log,
    /** Starts a lab SMP device (it answers the identity group) on a pty under `<labRoot>/<slot>/pty`. */
    async startDevice(
      slot: string,
      overrides: Partial<SmpDeviceConfig> & { serialNumber: string },
    ): Promise<RunningSmpDevice> {
      const config: SmpDeviceConfig = {
        ...SMP_DEVICE_DEFAULTS,
        name: slot,
        stateDir: join(folder, 'state', overrides.serialNumber),
        ...overrides,
      };
      const lab = await startSerialSmpDevice(config, join(labRoot, slot, 'pty'), {
        baudRate: 115_200,
        printsBootBanner: true,
      });
      devices.push(lab);
      return lab;
    },
    async close(): Promise<void> {
      await discovery.stop();
      await Promise.all(devices.splice(0).map((device) => device.stop()));
      store.close();
      await rm(folder, { recursive: true, force: true });
    },
  };
}

/** Polls `read` until it returns something other than undefined. */
export async function eventually<T>(read: () => T | undefined, what: string, limitMs = 10_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** How many descriptors of this process point at `device` (e.g. /dev/pts/7): a leaked port shows here. */
export function openDescriptorsTo(device: string): number {
  let count = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(join('/proc/self/fd', fd)) === device) count += 1;
    } catch {
      // The descriptor closed while we looked.
    }
  }
  return count;
}
