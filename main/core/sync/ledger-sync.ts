import { AppError, toAppError } from '../../../shared/errors';
import type { FleetClient } from '../ports/fleet-client';
import type { LedgerStore } from '../ports/ledger-store';

/** Events per request; the fleet server accepts up to 500. */
export const SYNC_BATCH_SIZE = 500;

export interface SyncRunResult {
  /** Events the server acknowledged during this run. */
  acknowledged: number;
  pendingAfter: number;
}

/**
 * One step of a sync run, reported as it happens: for a progress display ("1,500 of 4,200 sent"), for
 * diagnostics, and for crash tests that stop the process at an exact point between two steps.
 */
export type SyncStep =
  /** A batch was read from the outbox; it is about to be sent. */
  | { kind: 'batch-read'; firstSeq: number; lastSeq: number; count: number }
  /** The server answered: it holds this station's events through `acceptedThrough`. Not yet recorded locally. */
  | { kind: 'batch-answered'; acceptedThrough: number }
  /** The acknowledged events left the outbox; `pending` rows remain. */
  | { kind: 'batch-acknowledged'; acceptedThrough: number; acknowledgedSoFar: number; pending: number }
  /** The server is missing events the station considered delivered: they were queued again from `resumeFrom`. */
  | { kind: 'requeued'; resumeFrom: number };

export interface SyncRunOptions {
  /** Called synchronously at each step, before the run goes on; it should return quickly and not throw. */
  onStep?: (step: SyncStep) => void;
  /** Events per request; default SYNC_BATCH_SIZE (the server's limit). */
  batchSize?: number;
}

/**
 * Sends this station's outbox to the fleet server until it is empty. Exactly-once rests on two facts:
 * the outbox row is written in the same transaction as its event, and is deleted only after the server
 * acknowledged the event's position; the server applies events idempotently by id. So a crash or a lost
 * response at any point leads to a resend, never a loss, and a resend changes nothing on the server.
 */
export async function syncOutbox(
  store: LedgerStore,
  client: FleetClient,
  signal: AbortSignal,
  options: SyncRunOptions = {},
): Promise<SyncRunResult> {
  const report = options.onStep ?? (() => undefined);
  let acknowledged = 0;
  let gapRecoveries = 0;
  for (;;) {
    signal.throwIfAborted();
    const batch = store.outboxBatch(options.batchSize ?? SYNC_BATCH_SIZE);
    const first = batch[0];
    if (first === undefined) return { acknowledged, pendingAfter: 0 };
    report({ kind: 'batch-read', firstSeq: first.stationSeq, lastSeq: batch.at(-1)?.stationSeq ?? first.stationSeq, count: batch.length });
    try {
      const ack = await client.sendBatch(store.stationId, batch, signal);
      report({ kind: 'batch-answered', acceptedThrough: ack.acceptedThrough });
      const before = store.pendingOutboxCount();
      // Never acknowledge more than this request carried: a server may rightly report a head beyond it
      // (it already held later events), but a confused or lying one must not make us drop events we
      // never sent. Whatever lies beyond is sent next and confirmed as resends.
      store.acknowledgeThrough(Math.min(ack.acceptedThrough, batch.at(-1)?.stationSeq ?? first.stationSeq));
      const pending = store.pendingOutboxCount();
      const progress = before - pending;
      acknowledged += progress;
      if (progress === 0) {
        throw new AppError('FLEET_BAD_RESPONSE', `the server acknowledged through ${ack.acceptedThrough} but the batch starts at ${first.stationSeq}`);
      }
      report({ kind: 'batch-acknowledged', acceptedThrough: ack.acceptedThrough, acknowledgedSoFar: acknowledged, pending });
    } catch (error: unknown) {
      const resumeFrom = resumePointOf(error);
      // A gap means the server is missing events we consider delivered (e.g. restored from a backup):
      // the ledger still has them, so queue them again from where the server wants to resume.
      if (resumeFrom !== null && resumeFrom < first.stationSeq && gapRecoveries < 3) {
        gapRecoveries += 1;
        store.requeueFrom(resumeFrom);
        report({ kind: 'requeued', resumeFrom });
        continue;
      }
      throw toAppError(error);
    }
  }
}

function resumePointOf(error: unknown): number | null {
  if (!(error instanceof AppError) || error.code !== 'SYNC_GAP') return null;
  const resumeFrom = error.details?.resumeFrom;
  return typeof resumeFrom === 'number' && Number.isInteger(resumeFrom) && resumeFrom > 0 ? resumeFrom : null;
}
