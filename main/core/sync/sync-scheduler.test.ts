import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { SqliteLedgerStore } from '../../adapters/ledger/sqlite-ledger-store';
import { ManualClock } from '../../test-support/manual-clock';
import { makeTempDir } from '../../test-support/temp-dir';
import { LedgerService } from '../ledger/ledger-service';
import type { FleetClient } from '../ports/fleet-client';
import { silentLogger } from '../ports/logger';
import { SyncScheduler } from './sync-scheduler';
import { SyncStatusTracker } from './sync-status-tracker';

let dir: ReturnType<typeof makeTempDir>;
let store: SqliteLedgerStore;
beforeEach(() => {
  dir = makeTempDir();
  store = SqliteLedgerStore.open(`${dir.path}/ledger.db`);
  const ledger = new LedgerService(store, new ManualClock(1));
  for (let index = 0; index < 3; index += 1) ledger.append({ actor: 'a', deviceId: null, type: 'note.added', payload: { index } });
});
afterEach(() => {
  store.close();
  dir.remove();
});

async function until(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 400 && !condition(); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!condition()) throw new Error('condition not reached');
}

describe('SyncScheduler', () => {
  it('is offline while the server is unreachable, backs off, then delivers and reports success', async () => {
    let calls = 0;
    const client: FleetClient = {
      sendBatch: (_station, events) => {
        calls += 1;
        if (calls <= 2) return Promise.reject(new AppError('FLEET_UNREACHABLE', 'ECONNREFUSED 127.0.0.1:1'));
        return Promise.resolve({ acceptedThrough: events.at(-1)!.stationSeq });
      },
      fetchCatalog: () => Promise.reject(new Error('no catalog cache is configured in this test')),
    };
    const tracker = new SyncStatusTracker(store);
    tracker.configured('https://fleet.test');
    const seen: SyncStatus['state'][] = [];
    tracker.onChange((status) => seen.push(status.state));
    const delays: number[] = [];
    const scheduler = new SyncScheduler({
      store, tracker, logger: silentLogger, clock: new ManualClock(5_000), client: () => client,
      baseDelayMs: 4, maxDelayMs: 8, idleIntervalMs: 60_000,
      random: () => {
        delays.push(1);
        return 1;
      },
    });
    scheduler.start();
    await until(() => tracker.status().pendingCount === 0);
    await scheduler.stop();
    expect(calls).toBe(3);
    expect(seen).toEqual(['syncing', 'offline', 'syncing', 'offline', 'syncing', 'idle']);
    expect(tracker.status()).toMatchObject({ state: 'idle', lastError: null, lastSuccessAt: new Date(5_000).toISOString() });
    expect(delays).toHaveLength(2);
  });

  it('reports a refusal that needs a person as an error with the table’s title', async () => {
    const client: FleetClient = {
      sendBatch: () => Promise.reject(new AppError('SYNC_FORK', 'the chains have forked at 1')),
      fetchCatalog: () => Promise.reject(new Error('no catalog cache is configured in this test')),
    };
    const tracker = new SyncStatusTracker(store);
    tracker.configured('https://fleet.test');
    const scheduler = new SyncScheduler({ store, tracker, logger: silentLogger, clock: new ManualClock(1), client: () => client, baseDelayMs: 50 });
    scheduler.start();
    await until(() => tracker.status().state === 'error');
    await scheduler.stop();
    expect(tracker.status()).toMatchObject({ state: 'error', pendingCount: 3, lastError: expect.stringContaining('the chains have forked') as unknown });
  });

  it('does nothing and reports not-configured without a fleet server', async () => {
    const tracker = new SyncStatusTracker(store);
    const scheduler = new SyncScheduler({ store, tracker, logger: silentLogger, clock: new ManualClock(1), client: () => null });
    scheduler.start();
    scheduler.wake();
    await scheduler.stop();
    expect(tracker.status()).toMatchObject({ state: 'not-configured', pendingCount: 3 });
  });
});
