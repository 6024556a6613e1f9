import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { SqliteLedgerStore } from '../../adapters/ledger/sqlite-ledger-store';
import { ManualClock } from '../../test-support/manual-clock';
import { makeTempDir } from '../../test-support/temp-dir';
import { IdentityEvent } from '../identity/identity-ledger';
import { LedgerService } from '../ledger/ledger-service';
import type { FleetClient } from '../ports/fleet-client';
import { silentLogger } from '../ports/logger';
import {
  OFFLINE_REGISTERED_EVENT,
  offlineCertificateSyncPorts,
  pendingOfflineCertificates,
  type OfflineCertificateRegistrar,
} from './offline-certificate-sync';
import { SyncScheduler } from './sync-scheduler';
import { SyncStatusTracker } from './sync-status-tracker';

let dir: ReturnType<typeof makeTempDir>;
let store: SqliteLedgerStore;
let ledger: LedgerService;

const issue = (serial: string): void => {
  ledger.append({
    actor: 'cli:tech',
    deviceId: `hwid:${serial}`,
    type: IdentityEvent.issuedOffline,
    payload: { certificateSerial: serial, certificatePem: `PEM ${serial}` },
  });
};

beforeEach(() => {
  dir = makeTempDir();
  store = SqliteLedgerStore.open(`${dir.path}/ledger.db`);
  ledger = new LedgerService(store, new ManualClock(1));
});
afterEach(() => {
  store.close();
  dir.remove();
});

/** A fleet client that registers certificates, failing the first `failures` times. */
function registrar(failures: number): FleetClient & OfflineCertificateRegistrar & { sent: string[][] } {
  const sent: string[][] = [];
  let calls = 0;
  return {
    sent,
    sendBatch: (_station, events) => Promise.resolve({ acceptedThrough: events.at(-1)!.stationSeq }),
    fetchCatalog: () => Promise.reject(new Error('no catalog in this test')),
    registerOfflineCertificates: (pems) => {
      calls += 1;
      if (calls <= failures) return Promise.reject(new AppError('CERTIFICATE_INVALID', 'certificate 0: not signed by a registered offline device CA'));
      sent.push([...pems]);
      return Promise.resolve({ registered: pems.length, duplicates: 0, serials: pems.map((pem) => pem.replace('PEM ', '').toLowerCase()) });
    },
  };
}

function scheduler(client: FleetClient, tracker: SyncStatusTracker): SyncScheduler {
  return new SyncScheduler({
    store,
    tracker,
    logger: silentLogger,
    clock: new ManualClock(5_000),
    client: () => client,
    idleIntervalMs: 60_000,
    offlineCertificates: offlineCertificateSyncPorts(store, (request) => ledger.append(request), 'station'),
  });
}

describe('registering offline-issued certificates at sync', () => {
  it('lists each issuance once until a registration covers its serial', () => {
    issue('0a');
    issue('0b');
    issue('0a');
    expect(pendingOfflineCertificates(store).map((pending) => pending.certificateSerial)).toEqual(['0a', '0b']);
    ledger.append({ actor: 'station', deviceId: null, type: OFFLINE_REGISTERED_EVENT, payload: { serials: ['0a'], registered: 1, duplicates: 0 } });
    expect(pendingOfflineCertificates(store).map((pending) => pending.certificateSerial)).toEqual(['0b']);
  });

  it('sends what is pending, records it, and sends it only once', async () => {
    issue('0a');
    issue('0b');
    const client = registrar(0);
    const tracker = new SyncStatusTracker(store);
    tracker.configured('https://fleet.test');
    const sync = scheduler(client, tracker);
    await sync.syncNow();
    await sync.syncNow();
    await sync.stop();
    expect(client.sent).toEqual([['PEM 0a', 'PEM 0b']]);
    expect(store.listEvents({ limit: 10, type: OFFLINE_REGISTERED_EVENT }).map((event) => event.payload)).toEqual([
      { serials: ['0a', '0b'], registered: 2, duplicates: 0 },
    ]);
    // The registration record itself went out in the same pass.
    expect(tracker.status()).toMatchObject({ state: 'idle', pendingCount: 0 });
  });

  it('shows a refusal in the sync status, still delivers the records, and retries at the next pass', async () => {
    issue('0a');
    const client = registrar(1);
    const tracker = new SyncStatusTracker(store);
    tracker.configured('https://fleet.test');
    const sync = scheduler(client, tracker);
    await sync.syncNow();
    expect(tracker.status()).toMatchObject({ state: 'error', pendingCount: 0 });
    expect(tracker.status().lastError).toMatch(/registering 1 offline-issued certificate\(s\): certificate 0: not signed/);
    expect(pendingOfflineCertificates(store)).toHaveLength(1);
    await sync.syncNow();
    await sync.stop();
    expect(client.sent).toEqual([['PEM 0a']]);
    expect(tracker.status()).toMatchObject({ state: 'idle', lastError: null });
    expect(pendingOfflineCertificates(store)).toEqual([]);
  });

  it('leaves a client that cannot register alone: records still sync', async () => {
    issue('0a');
    const client: FleetClient = {
      sendBatch: (_station, events) => Promise.resolve({ acceptedThrough: events.at(-1)!.stationSeq }),
      fetchCatalog: () => Promise.reject(new Error('no catalog in this test')),
    };
    const tracker = new SyncStatusTracker(store);
    tracker.configured('https://fleet.test');
    const sync = scheduler(client, tracker);
    await sync.syncNow();
    await sync.stop();
    expect(tracker.status()).toMatchObject({ state: 'idle', pendingCount: 0 });
    expect(pendingOfflineCertificates(store)).toHaveLength(1);
  });
});
