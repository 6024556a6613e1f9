import { createHash } from 'node:crypto';
import { canonicalEventText, canonicalJson, GENESIS_HASH } from '../../../shared/ledger/canonical-event';
import { AppError, toAppError } from '../../../shared/errors';
import type { LedgerEvent } from '../../../shared/contract/ledger';
import { BATCH_LIMITS, ingestBatchSchema, type IngestBatch } from './batch-schema';
import { exceedsJsonDepth } from './json-depth';

export function eventHash(event: Omit<LedgerEvent, 'hash'>): string {
  return createHash('sha256').update(canonicalEventText(event), 'utf8').digest('hex');
}

function chainError(message: string, index: number, event: LedgerEvent, reason: string): AppError {
  return new AppError('SYNC_CHAIN_INVALID', message, {
    details: { index, eventId: event.id, stationSeq: event.stationSeq, reason },
  });
}

/**
 * Everything about a batch that can be checked without the database: shape and limits, one
 * station, consecutive stationSeq, every hash recomputed, every link inside the batch. Throws an
 * AppError naming the first problem; returns the parsed batch otherwise.
 */
export function validateBatch(body: unknown): IngestBatch {
  if (exceedsJsonDepth(body, BATCH_LIMITS.maxJsonDepth)) {
    throw new AppError('INVALID_INPUT', `the batch nests deeper than ${BATCH_LIMITS.maxJsonDepth} levels`, {
      details: { maxJsonDepth: BATCH_LIMITS.maxJsonDepth },
    });
  }
  const parsed = ingestBatchSchema.safeParse(body);
  if (!parsed.success) throw toAppError(parsed.error);
  const batch = parsed.data;
  const ids = new Set<string>();
  batch.events.forEach((event, index) => {
    if (event.stationId !== batch.stationId) {
      throw new AppError('INVALID_INPUT', `event ${index} belongs to station ${event.stationId}, not ${batch.stationId}`, {
        details: { index, eventId: event.id },
      });
    }
    if (ids.has(event.id)) {
      throw new AppError('INVALID_INPUT', `event id ${event.id} appears twice in the batch`, { details: { index, eventId: event.id } });
    }
    ids.add(event.id);
    const payloadBytes = Buffer.byteLength(canonicalJson(event.payload), 'utf8');
    if (payloadBytes > BATCH_LIMITS.maxPayloadBytes) {
      throw new AppError('PAYLOAD_TOO_LARGE', `event ${index} has a ${payloadBytes}-byte payload`, {
        details: { index, eventId: event.id, payloadBytes, maxPayloadBytes: BATCH_LIMITS.maxPayloadBytes },
      });
    }
    const first = batch.events[0]?.stationSeq ?? 0;
    if (event.stationSeq !== first + index) {
      throw new AppError('INVALID_INPUT', `events must be consecutive by stationSeq: event ${index} has ${event.stationSeq}, expected ${first + index}`, {
        details: { index, eventId: event.id, stationSeq: event.stationSeq, expectedStationSeq: first + index },
      });
    }
    const { hash, ...unhashed } = event;
    if (eventHash(unhashed) !== hash) throw chainError(`event ${index} (${event.id}): hash does not match its content`, index, event, 'hash-mismatch');
    const previous = batch.events[index - 1];
    if (previous !== undefined && event.prevHash !== previous.hash) {
      throw chainError(`event ${index} (${event.id}): prevHash does not link to the event before it`, index, event, 'broken-link');
    }
    if (event.stationSeq === 1 && event.prevHash !== GENESIS_HASH) {
      throw chainError(`event ${index} (${event.id}): a station's first event must start from the genesis hash`, index, event, 'bad-genesis');
    }
  });
  return batch;
}
