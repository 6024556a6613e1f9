import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonValue } from '../shared/contract';
import { SqliteLedgerStore } from '../main/adapters/ledger/sqlite-ledger-store';
import { LedgerService } from '../main/core/ledger/ledger-service';
import { systemClock } from '../main/core/ports/clock';
import { ledgerPath } from '../main/host/data-dir';

/** Devices a parallel station provisions at once (quality.md: 16 serial ports). */
const DEVICES_AT_ONCE = 16;

const LIFECYCLE: readonly { type: string; payload: (device: number) => JsonValue }[] = [
  { type: 'device.discovered', payload: (device) => ({ model: 'nrf52840-dk', serial: `SN${String(device).padStart(8, '0')}`, transport: 'serial', port: `/dev/ttyACM${device % DEVICES_AT_ONCE}` }) },
  { type: 'firmware.flashed', payload: (device) => ({ firmwareVersion: '2.4.1', imageSha256: hex(device, 64), bytes: 372_736, protocol: 'smp' }) },
  { type: 'certificate.enrolled', payload: (device) => ({ certificateSerial: hex(device * 7, 32), notAfter: '2028-01-01T00:00:00Z', issuer: 'CN=Fieldline Device CA' }) },
  { type: 'config.applied', payload: (device) => ({ profile: 'warehouse-v3', settingsSha256: hex(device * 13, 64) }) },
  { type: 'device.commissioned', payload: () => ({ site: 'line-3', checks: ['boot', 'radio', 'cert'] }) },
];

function hex(seed: number, length: number): string {
  let text = '';
  for (let index = 0; text.length < length; index += 1) text += ((seed * 2_654_435_761 + index * 40_503) >>> 0).toString(16).padStart(8, '0');
  return text.slice(0, length);
}

/**
 * Writes a station ledger with `count` real events queued for sync: appended one by one through the
 * product's LedgerService (hash chain, HLC, UUIDv7, projection and outbox row in one transaction each),
 * as a station provisioning 16 devices at a time records them. The appends run on a RAM file system
 * when there is one, only to save the benchmark a minute of fsyncs; the finished ledger is then copied
 * into `dataDir` on the ordinary temporary file system, where the sync runs with synchronous=FULL.
 */
export function writeQueuedLedger(dataDir: string, count: number): { stationId: string; lastHash: string } {
  const scratchRoot = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const scratch = mkdtempSync(join(scratchRoot, 'fieldline-bench-ledger-'));
  try {
    const store = SqliteLedgerStore.open(join(scratch, 'ledger.db'));
    const ledger = new LedgerService(store, systemClock);
    let written = 0;
    let lastHash = '';
    for (let group = 0; written < count; group += DEVICES_AT_ONCE) {
      for (const step of LIFECYCLE) {
        for (let device = group; device < group + DEVICES_AT_ONCE && written < count; device += 1) {
          lastHash = ledger.append({ actor: 'station-bench', deviceId: `bench-${device}`, type: step.type, payload: step.payload(device) }).hash;
          written += 1;
        }
      }
    }
    const stationId = store.stationId;
    store.close();
    mkdirSync(dataDir, { recursive: true });
    copyFileSync(join(scratch, 'ledger.db'), ledgerPath(dataDir));
    return { stationId, lastHash };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
