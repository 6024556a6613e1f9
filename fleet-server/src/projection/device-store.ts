import type { LifecycleState } from '../../../shared/contract/devices';
import type { DeviceRecord } from '../http/api-schemas';
import type { JsonValue } from '../../../shared/contract/ledger';
import { toIso, toNumber, type SqlExecutor, type SqlParam } from '../db/database';
import { projectDevice, type ProjectionEvent } from './device-projection';

/** The fields of an event row the projection reads, with the device it is about. */
interface DeviceEventRow {
  device_id: string;
  event_id: string;
  hlc: string;
  type: string;
  payload: JsonValue;
}

/**
 * Recomputes the stored projection of the given devices from all their events, inside the ingest
 * transaction, in three statements whatever the number of devices:
 *
 * 1. Every device is locked first, in sorted order (so two batches never deadlock), so that batches
 *    from two stations touching one device apply one after the other and the second sees the
 *    first's events. The ids go in as one JSON array (parameters are scalars, see `SqlParam`);
 *    the ordered subquery cannot be flattened, so the locks are taken in the order of the array.
 * 2. The events of all those devices are read in a separate statement, after the locks: under READ
 *    COMMITTED it takes its snapshot once every lock is held, so it sees a committed earlier batch.
 * 3. Each device is projected in JS (`projectDevice`) and all of them are upserted at once.
 */
export async function refreshDevices(tx: SqlExecutor, deviceIds: Iterable<string>): Promise<void> {
  const ids = [...new Set(deviceIds)].sort();
  if (ids.length === 0) return;
  const idsJson = JSON.stringify(ids);
  await tx.query(
    `SELECT pg_advisory_xact_lock(hashtext('device:' || ids.id))
       FROM (SELECT id, n FROM jsonb_array_elements_text($1::jsonb) WITH ORDINALITY AS t (id, n) ORDER BY n) ids`,
    [idsJson],
  );
  const rows = await tx.query<DeviceEventRow>(
    `SELECT device_id, event_id, hlc, type, payload FROM events
      WHERE device_id = ANY (ARRAY(SELECT jsonb_array_elements_text($1::jsonb)))`,
    [idsJson],
  );
  const eventsByDevice = new Map<string, ProjectionEvent[]>(ids.map((id) => [id, []]));
  for (const row of rows) {
    eventsByDevice.get(row.device_id)?.push({ id: row.event_id, hlc: row.hlc, type: row.type, payload: row.payload });
  }
  const records = ids.map((deviceId) => {
    const device = projectDevice(eventsByDevice.get(deviceId) ?? []);
    return {
      device_id: deviceId,
      state: device.state,
      model: device.model,
      serial: device.serial,
      firmware_version: device.firmwareVersion,
      last_action: device.lastAction,
      last_event_id: device.lastEventId,
      last_hlc: device.lastHlc,
      event_count: device.eventCount,
      superseded_count: device.supersededCount,
    };
  });
  await tx.query(
    `INSERT INTO devices (device_id, state, model, serial, firmware_version, last_action, last_event_id, last_hlc,
       event_count, superseded_count, updated_at)
     SELECT r.device_id, r.state, r.model, r.serial, r.firmware_version, r.last_action, r.last_event_id, r.last_hlc,
       r.event_count, r.superseded_count, now()
       FROM jsonb_to_recordset($1::jsonb) AS r (device_id text, state text, model text, serial text, firmware_version text,
         last_action text, last_event_id text, last_hlc text, event_count integer, superseded_count integer)
     ON CONFLICT (device_id) DO UPDATE SET state = EXCLUDED.state, model = EXCLUDED.model, serial = EXCLUDED.serial,
       firmware_version = EXCLUDED.firmware_version, last_action = EXCLUDED.last_action,
       last_event_id = EXCLUDED.last_event_id, last_hlc = EXCLUDED.last_hlc, event_count = EXCLUDED.event_count,
       superseded_count = EXCLUDED.superseded_count, updated_at = now()`,
    [JSON.stringify(records)],
  );
}

interface DeviceRow {
  device_id: string;
  state: LifecycleState;
  model: string | null;
  serial: string | null;
  firmware_version: string | null;
  last_action: string | null;
  last_event_id: string | null;
  last_hlc: string | null;
  event_count: unknown;
  superseded_count: unknown;
  updated_at: unknown;
}

function toDeviceRecord(row: DeviceRow): DeviceRecord {
  return {
    id: row.device_id,
    state: row.state,
    model: row.model,
    serial: row.serial,
    firmwareVersion: row.firmware_version,
    lastAction: row.last_action,
    lastEventId: row.last_event_id,
    lastHlc: row.last_hlc,
    eventCount: toNumber(row.event_count),
    supersededCount: toNumber(row.superseded_count),
    updatedAt: toIso(row.updated_at),
  };
}

export interface DeviceFilter {
  state?: LifecycleState | undefined;
  model?: string | undefined;
  /** Keyset paging: devices whose id sorts after this one. */
  after?: string | undefined;
  limit: number;
}

/** Devices sorted by id, filtered; `nextAfter` is the cursor for the next page or null at the end. */
export async function listDevices(db: SqlExecutor, filter: DeviceFilter): Promise<{ devices: DeviceRecord[]; nextAfter: string | null }> {
  const clauses: string[] = [];
  const params: SqlParam[] = [];
  const add = (clause: string, value: SqlParam): void => {
    params.push(value);
    clauses.push(clause.replace('?', `$${params.length}`));
  };
  if (filter.state !== undefined) add('state = ?', filter.state);
  if (filter.model !== undefined) add('model = ?', filter.model);
  if (filter.after !== undefined) add('device_id > ?', filter.after);
  params.push(filter.limit + 1);
  const where = clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`;
  const rows = await db.query<DeviceRow>(`SELECT * FROM devices ${where} ORDER BY device_id LIMIT $${params.length}`, params);
  const devices = rows.slice(0, filter.limit).map(toDeviceRecord);
  return { devices, nextAfter: rows.length > filter.limit ? (devices.at(-1)?.id ?? null) : null };
}

export async function getDevice(db: SqlExecutor, deviceId: string): Promise<DeviceRecord | null> {
  const rows = await db.query<DeviceRow>('SELECT * FROM devices WHERE device_id = $1', [deviceId]);
  return rows[0] === undefined ? null : toDeviceRecord(rows[0]);
}

/** Counts per lifecycle state, for the metrics. */
export async function countDevicesByState(db: SqlExecutor): Promise<Map<string, number>> {
  const rows = await db.query<{ state: string; n: unknown }>('SELECT state, count(*) AS n FROM devices GROUP BY state');
  return new Map(rows.map((row) => [row.state, toNumber(row.n)]));
}
