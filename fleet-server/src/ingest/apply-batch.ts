import { AppError } from '../../../shared/errors';
import type { LedgerEvent } from '../../../shared/contract/ledger';
import { toNumber, type Database, type SqlExecutor, type SqlParam } from '../db/database';
import { refreshDevices } from '../projection/device-store';
import type { IngestAck, IngestBatch } from './batch-schema';

/**
 * Rows per INSERT: a whole batch (≤ 500 events) in one round trip; 10 parameters each stays far below
 * PostgreSQL's 65,535-parameter limit.
 */
const INSERT_CHUNK = 500;

async function lockStationHead(tx: SqlExecutor, stationId: string): Promise<{ headSeq: number; headHash: string }> {
  // FOR UPDATE serialises batches of one station, so two concurrent requests cannot both append
  // at the same position; batches of different stations do not wait for each other.
  const rows = await tx.query<{ head_seq: unknown; head_hash: string }>(
    'SELECT head_seq, head_hash FROM stations WHERE station_id = $1 FOR UPDATE',
    [stationId],
  );
  const row = rows[0];
  if (row === undefined) throw new AppError('STATION_UNKNOWN', `station ${stationId} is not enrolled`, { details: { stationId } });
  return { headSeq: toNumber(row.head_seq), headHash: row.head_hash };
}

/** Sorts events the server already holds (by position) into resends and conflicts. */
async function checkHeldEvents(tx: SqlExecutor, stationId: string, held: LedgerEvent[], headSeq: number): Promise<void> {
  if (held.length === 0) return;
  const rows = await tx.query<{ station_seq: unknown; event_id: string; hash: string }>(
    'SELECT station_seq, event_id, hash FROM events WHERE station_id = $1 AND station_seq BETWEEN $2 AND $3',
    [stationId, held[0]?.stationSeq ?? 0, held.at(-1)?.stationSeq ?? 0],
  );
  const stored = new Map(rows.map((row) => [toNumber(row.station_seq), row]));
  for (const event of held) {
    const existing = stored.get(event.stationSeq);
    if (existing?.hash === event.hash) continue;
    if (existing?.event_id === event.id) {
      throw new AppError('IDEMPOTENCY_CONFLICT', `event ${event.id} was already received with different content`, {
        details: { eventId: event.id, stationSeq: event.stationSeq, resumeFrom: headSeq + 1 },
      });
    }
    throw new AppError('SYNC_FORK', `the server holds a different event at stationSeq ${event.stationSeq}: the chains have forked`, {
      details: { stationSeq: event.stationSeq, eventId: event.id, storedEventId: existing?.event_id ?? null, resumeFrom: headSeq + 1 },
    });
  }
}

/** A new event whose id the server already holds elsewhere is a reuse of the id with another body. */
async function checkIdsUnused(tx: SqlExecutor, fresh: LedgerEvent[], headSeq: number): Promise<void> {
  const placeholders = fresh.map((_, index) => `$${index + 1}`).join(', ');
  const rows = await tx.query<{ event_id: string }>(`SELECT event_id FROM events WHERE event_id IN (${placeholders})`, fresh.map((event) => event.id));
  const reused = rows[0];
  if (reused !== undefined) {
    throw new AppError('IDEMPOTENCY_CONFLICT', `event id ${reused.event_id} is already used by a different event`, {
      details: { eventId: reused.event_id, resumeFrom: headSeq + 1 },
    });
  }
}

async function insertEvents(tx: SqlExecutor, events: LedgerEvent[]): Promise<number[]> {
  const globalSeqs: number[] = [];
  for (let start = 0; start < events.length; start += INSERT_CHUNK) {
    const chunk = events.slice(start, start + INSERT_CHUNK);
    const params: SqlParam[] = [];
    const values = chunk.map((event) => {
      const base = params.length;
      params.push(event.id, event.stationId, event.stationSeq, event.hlc, event.actor, event.deviceId, event.type);
      params.push(JSON.stringify(event.payload), event.prevHash, event.hash);
      return `($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}, $${base + 6}, $${base + 7}, $${base + 8}::jsonb, $${base + 9}, $${base + 10})`;
    });
    const rows = await tx.query<{ global_seq: unknown }>(
      `INSERT INTO events (event_id, station_id, station_seq, hlc, actor, device_id, type, payload, prev_hash, hash)
       VALUES ${values.join(', ')} RETURNING global_seq`,
      params,
    );
    globalSeqs.push(...rows.map((row) => toNumber(row.global_seq)));
  }
  return globalSeqs;
}

/**
 * Stores a validated batch in one transaction: resends are recognised and skipped, the first new
 * event must continue the chain the server holds, then new events get their global order and the
 * devices they touch are re-projected. Any error rolls everything back.
 */
export async function applyBatch(db: Database, batch: IngestBatch): Promise<IngestAck> {
  try {
    return await applyInTransaction(db, batch);
  } catch (error: unknown) {
    // Two stations racing to store the same event id: the loser hits the unique index. That is the
    // same conflict checkIdsUnused reports, only discovered by PostgreSQL instead of by us.
    if (isUniqueViolation(error)) {
      throw new AppError('IDEMPOTENCY_CONFLICT', 'an event id in the batch was stored concurrently by another request', { cause: error });
    }
    throw error;
  }
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}

async function applyInTransaction(db: Database, batch: IngestBatch): Promise<IngestAck> {
  return db.transaction(async (tx) => {
    const { headSeq, headHash } = await lockStationHead(tx, batch.stationId);
    const held = batch.events.filter((event) => event.stationSeq <= headSeq);
    const fresh = batch.events.filter((event) => event.stationSeq > headSeq);
    await checkHeldEvents(tx, batch.stationId, held, headSeq);
    const ack: IngestAck = { stationId: batch.stationId, acceptedThrough: headSeq, accepted: 0, duplicates: held.length, firstGlobalSeq: null, lastGlobalSeq: null };
    const first = fresh[0];
    const last = fresh.at(-1);
    if (first === undefined || last === undefined) return ack;
    if (first.stationSeq !== headSeq + 1) {
      throw new AppError('SYNC_GAP', `the server holds this station's events through ${headSeq}; the batch starts at ${first.stationSeq}`, {
        details: { acceptedThrough: headSeq, resumeFrom: headSeq + 1, batchStartsAt: first.stationSeq },
      });
    }
    if (first.prevHash !== headHash) {
      throw new AppError('SYNC_FORK', `event ${first.id} does not continue the chain the server holds through ${headSeq}`, {
        details: { eventId: first.id, stationSeq: first.stationSeq, expectedPrevHash: headHash, resumeFrom: headSeq + 1 },
      });
    }
    await checkIdsUnused(tx, fresh, headSeq);
    const globalSeqs = await insertEvents(tx, fresh);
    await tx.query('UPDATE stations SET head_seq = $2, head_hash = $3, head_hlc = $4, last_batch_at = now() WHERE station_id = $1', [
      batch.stationId,
      last.stationSeq,
      last.hash,
      last.hlc,
    ]);
    await refreshDevices(tx, fresh.flatMap((event) => (event.deviceId === null ? [] : [event.deviceId])));
    return { ...ack, acceptedThrough: last.stationSeq, accepted: fresh.length, firstGlobalSeq: globalSeqs[0] ?? null, lastGlobalSeq: globalSeqs.at(-1) ?? null };
  });
}
