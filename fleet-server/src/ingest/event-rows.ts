import type { JsonValue } from '../../../shared/contract/ledger';
import { toIso, toNumber } from '../db/database';
import type { StoredEvent } from '../http/api-schemas';

export interface EventRow {
  global_seq: unknown;
  event_id: string;
  station_id: string;
  station_seq: unknown;
  hlc: string;
  actor: string;
  device_id: string | null;
  type: string;
  payload: JsonValue;
  prev_hash: string;
  hash: string;
  received_at: unknown;
}

export const EVENT_COLUMNS =
  'global_seq, event_id, station_id, station_seq, hlc, actor, device_id, type, payload, prev_hash, hash, received_at';

export function toStoredEvent(row: EventRow): StoredEvent {
  return {
    globalSeq: toNumber(row.global_seq),
    id: row.event_id,
    stationId: row.station_id,
    stationSeq: toNumber(row.station_seq),
    hlc: row.hlc,
    actor: row.actor,
    deviceId: row.device_id,
    type: row.type,
    payload: row.payload,
    prevHash: row.prev_hash,
    hash: row.hash,
    receivedAt: toIso(row.received_at),
  };
}
