import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { SqliteLedgerStore } from '../../adapters/ledger/sqlite-ledger-store';
import { ManualClock } from '../../test-support/manual-clock';
import { makeTempDir } from '../../test-support/temp-dir';
import { LedgerService } from '../ledger/ledger-service';
import type { FleetAck, FleetClient } from '../ports/fleet-client';
import { syncOutbox, type SyncStep } from './ledger-sync';

/**
 * A stand-in with the fleet server's ingest rules (idempotent by position and hash, gaps refused with
 * resumeFrom), plus switches to lose the response after storing, as a flaky network does.
 */
/** Outbox tests never ask for the catalog; catalog-refresh.test.ts covers it. */
const noCatalog = (): Promise<never> => Promise.reject(new Error('not used by outbox tests'));

class RecordingFleet implements FleetClient {
  readonly fetchCatalog = noCatalog;
  readonly held: LedgerEvent[] = [];
  loseNextResponse = false;
  failNext: AppError | null = null;

  sendBatch(_stationId: string, events: LedgerEvent[]): Promise<FleetAck> {
    if (this.failNext !== null) {
      const error = this.failNext;
      this.failNext = null;
      return Promise.reject(error);
    }
    const head = this.held.length;
    const first = events[0]!;
    if (first.stationSeq > head + 1) {
      return Promise.reject(new AppError('SYNC_GAP', 'gap', { details: { resumeFrom: head + 1 } }));
    }
    for (const event of events) {
      const existing = this.held[event.stationSeq - 1];
      if (existing === undefined) this.held.push(event);
      else if (existing.hash !== event.hash) return Promise.reject(new AppError('SYNC_FORK', 'fork'));
    }
    if (this.loseNextResponse) {
      this.loseNextResponse = false;
      return Promise.reject(new AppError('FLEET_UNREACHABLE', 'connection reset after the server stored the batch'));
    }
    return Promise.resolve({ acceptedThrough: this.held.length });
  }
}

let dir: ReturnType<typeof makeTempDir>;
let store: SqliteLedgerStore;
let ledger: LedgerService;
beforeEach(() => {
  dir = makeTempDir();
  store = SqliteLedgerStore.open(`${dir.path}/ledger.db`);
  ledger = new LedgerService(store, new ManualClock(1_000));
});
afterEach(() => {
  store.close();
  dir.remove();
});

function appendMany(count: number): void {
  for (let index = 0; index < count; index += 1) ledger.append({ actor: 'a', deviceId: `d${index % 7}`, type: 'note.added', payload: { index } });
}

const never = new AbortController().signal;

describe('syncOutbox', () => {
  it('delivers every event once, in chain order, across several batches', async () => {
    appendMany(1_234);
    const fleet = new RecordingFleet();
    await expect(syncOutbox(store, fleet, never)).resolves.toEqual({ acknowledged: 1_234, pendingAfter: 0 });
    expect(fleet.held.map((event) => event.stationSeq)).toEqual(Array.from({ length: 1_234 }, (_, i) => i + 1));
    expect(store.pendingOutboxCount()).toBe(0);
  });

  it('resends after a lost response without duplicating anything on the server', async () => {
    appendMany(10);
    const fleet = new RecordingFleet();
    fleet.loseNextResponse = true;
    await expect(syncOutbox(store, fleet, never)).rejects.toMatchObject({ code: 'FLEET_UNREACHABLE' });
    expect(store.pendingOutboxCount()).toBe(10); // nothing acknowledged locally, nothing lost
    appendMany(5);
    await syncOutbox(store, fleet, never);
    expect(fleet.held).toHaveLength(15);
    expect(new Set(fleet.held.map((event) => event.id)).size).toBe(15);
    expect(store.pendingOutboxCount()).toBe(0);
  });

  it('requeues from the server’s resume point when the server lost events', async () => {
    appendMany(20);
    const fleet = new RecordingFleet();
    await syncOutbox(store, fleet, never);
    fleet.held.splice(12); // the server was restored from an older backup
    appendMany(3);
    await syncOutbox(store, fleet, never);
    expect(fleet.held.map((event) => event.stationSeq)).toEqual(Array.from({ length: 23 }, (_, i) => i + 1));
  });

  it('stops on a fork and keeps the outbox intact', async () => {
    appendMany(3);
    const fleet = new RecordingFleet();
    fleet.failNext = new AppError('SYNC_FORK', 'the server holds a different event at stationSeq 1');
    await expect(syncOutbox(store, fleet, never)).rejects.toMatchObject({ code: 'SYNC_FORK' });
    expect(store.pendingOutboxCount()).toBe(3);
  });

  it('reports each step as it happens: read, answered, acknowledged, and a requeue', async () => {
    appendMany(520);
    const fleet = new RecordingFleet();
    const steps: SyncStep[] = [];
    await syncOutbox(store, fleet, never, { onStep: (step) => steps.push(step) });
    expect(steps).toEqual([
      { kind: 'batch-read', firstSeq: 1, lastSeq: 500, count: 500 },
      { kind: 'batch-answered', acceptedThrough: 500 },
      { kind: 'batch-acknowledged', acceptedThrough: 500, acknowledgedSoFar: 500, pending: 20 },
      { kind: 'batch-read', firstSeq: 501, lastSeq: 520, count: 20 },
      { kind: 'batch-answered', acceptedThrough: 520 },
      { kind: 'batch-acknowledged', acceptedThrough: 520, acknowledgedSoFar: 520, pending: 0 },
    ]);
    fleet.held.splice(510);
    appendMany(1);
    steps.length = 0;
    await syncOutbox(store, fleet, never, { onStep: (step) => steps.push(step) });
    expect(steps.map((step) => step.kind)).toEqual(['batch-read', 'requeued', 'batch-read', 'batch-answered', 'batch-acknowledged']);
    expect(steps[1]).toEqual({ kind: 'requeued', resumeFrom: 511 });
  });

  it('refuses an acknowledgement that does not advance (a confused server) instead of looping', async () => {
    appendMany(2);
    const confused: FleetClient = { sendBatch: () => Promise.resolve({ acceptedThrough: 0 }), fetchCatalog: noCatalog };
    await expect(syncOutbox(store, confused, never)).rejects.toMatchObject({ code: 'FLEET_BAD_RESPONSE' });
  });
});
