import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { LifecycleState } from '../shared/contract';
import { openLedgerDatabase } from '../main/adapters/ledger/open-ledger-database';
import { SqliteLedgerStore } from '../main/adapters/ledger/sqlite-ledger-store';
import { LedgerService } from '../main/core/ledger/ledger-service';
import { systemClock } from '../main/core/ports/clock';
import { ledgerPath } from '../main/host/data-dir';

export const SEEDED_MODELS = ['nrf52840-dk', 'nrf5340-gateway', 'esp32-c6-sensor', 'stm32wb-tag'] as const;

/** The one event each seeded device gets, and the state it leaves the device in. */
const FIRST_EVENTS: readonly { type: string; state: LifecycleState }[] = [
  { type: 'device.discovered', state: 'new' },
  { type: 'firmware.flashed', state: 'provisioned' },
  { type: 'certificate.enrolled', state: 'enrolled' },
  { type: 'config.applied', state: 'configured' },
  { type: 'device.commissioned', state: 'in-service' },
  { type: 'device.failed', state: 'failed' },
  { type: 'device.retired', state: 'retired' },
];

/** What the seeded fleet looks like, so a benchmark can know the right answer to a filter. */
export interface SeededFleet {
  count: number;
  serialOf: (device: number) => string;
  modelOf: (device: number) => string;
  stateOf: (device: number) => LifecycleState;
}

export function seededFleet(count: number): SeededFleet {
  return {
    count,
    serialOf: (device) => `FL-${String(device).padStart(7, '0')}`,
    modelOf: (device) => SEEDED_MODELS[device % SEEDED_MODELS.length]!,
    stateOf: (device) => FIRST_EVENTS[device % FIRST_EVENTS.length]!.state,
  };
}

/**
 * Writes a ledger that knows `count` devices, one real event each (hash chain, HLC, UUIDv7, projection
 * and outbox row, all by the product's LedgerService and SqliteLedgerStore), with models and lifecycle
 * states spread evenly. Fast because every append runs inside one outer transaction (the store's own
 * transaction becomes a savepoint), on a RAM file system when there is one: 100,000 devices in about
 * 20 s instead of a commit and an fsync each. The finished file is copied into `dataDir`.
 */
export function writeDeviceLedger(dataDir: string, count: number): SeededFleet {
  const fleet = seededFleet(count);
  const scratchRoot = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const scratch = mkdtempSync(join(scratchRoot, 'fieldline-bench-devices-'));
  try {
    const db = openLedgerDatabase(join(scratch, 'ledger.db'));
    // The store's constructor is private so that products open it by path; the seeder needs the
    // connection too, to wrap the appends in one transaction, so it builds the store around it.
    const store = new (SqliteLedgerStore as unknown as new (db: Database.Database) => SqliteLedgerStore)(db);
    const ledger = new LedgerService(store, systemClock);
    db.transaction(() => {
      for (let device = 0; device < count; device += 1) {
        ledger.append({
          actor: 'bench-seeder',
          deviceId: `hwid:${(0x10_000_000 + device).toString(16).toUpperCase()}`,
          type: FIRST_EVENTS[device % FIRST_EVENTS.length]!.type,
          payload: { model: fleet.modelOf(device), serial: fleet.serialOf(device), firmwareVersion: '2.4.1' },
        });
      }
    })();
    store.close();
    mkdirSync(dataDir, { recursive: true });
    copyFileSync(join(scratch, 'ledger.db'), ledgerPath(dataDir));
    return fleet;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
