import { AppError } from '../../../shared/errors';
import { toNumber, type SqlExecutor } from '../db/database';
import type { StationPosition } from './batch-schema';
import type { StoredEvent } from '../http/api-schemas';
import { EVENT_COLUMNS, toStoredEvent, type EventRow } from './event-rows';

/** Where a station's chain stands on the server, so that it knows what to send next. */
export async function getStationPosition(db: SqlExecutor, stationId: string): Promise<StationPosition> {
  const rows = await db.query<{ head_seq: unknown; head_hash: string }>('SELECT head_seq, head_hash FROM stations WHERE station_id = $1', [
    stationId,
  ]);
  const row = rows[0];
  if (row === undefined) throw new AppError('STATION_UNKNOWN', `station ${stationId} is not enrolled`, { details: { stationId } });
  const acceptedThrough = toNumber(row.head_seq);
  return { stationId, acceptedThrough, headHash: row.head_hash, resumeFrom: acceptedThrough + 1 };
}

/** Every event about one device from every station, in causal order (HLC, then id). */
export async function getDeviceHistory(db: SqlExecutor, deviceId: string): Promise<StoredEvent[]> {
  const rows = await db.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE device_id = $1 ORDER BY hlc, event_id`, [deviceId]);
  return rows.map(toStoredEvent);
}

/** Creates the chain head for a newly enrolled station (idempotent: re-enrollment keeps the chain). */
export async function ensureStation(db: SqlExecutor, stationId: string): Promise<void> {
  await db.query('INSERT INTO stations (station_id) VALUES ($1) ON CONFLICT (station_id) DO NOTHING', [stationId]);
}
