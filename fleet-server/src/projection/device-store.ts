import type { LifecycleState } from '../../../shared/contract/devices';
import type { DeviceRecord } from '../http/api-schemas';
import type { JsonValue } from '../../../shared/contract/ledger';
import { toIso, toNumber, type SqlExecutor, type SqlParam } from '../db/database';
import { projectDevice } from './device-projection';

/**
 * Recomputes the stored projection of the given devices from all their events, inside the ingest
 * transaction. Each device is locked first (in sorted order, so two batches never deadlock) so
 * that batches from two stations touching one device apply one after the other and the second
 * sees the first's events.
 */
export async function refreshDevices(tx: SqlExecutor, deviceIds: Iterable<string>): Promise<void> {
  for (const deviceId of [...new Set(deviceIds)].sort()) {
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('device:' || $1))", [deviceId]);
    const rows = await tx.query<{ event_id: string; hlc: string; type: string; payload: JsonValue }>(
      'SELECT event_id, hlc, type, payload FROM events WHERE device_id = $1',
      [deviceId],
    );
    const device = projectDevice(rows.map((row) => ({ id: row.event_id, hlc: row.hlc, type: row.type, payload: row.payload })));
    await tx.query(
      `INSERT INTO devices (device_id, state, model, serial, firmware_version, last_action, last_event_id, last_hlc,
         event_count, superseded_count, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now())
       ON CONFLICT (device_id) DO UPDATE SET state = EXCLUDED.state, model = EXCLUDED.model, serial = EXCLUDED.serial,
         firmware_version = EXCLUDED.firmware_version, last_action = EXCLUDED.last_action,
         last_event_id = EXCLUDED.last_event_id, last_hlc = EXCLUDED.last_hlc, event_count = EXCLUDED.event_count,
         superseded_count = EXCLUDED.superseded_count, updated_at = now()`,
      [
        deviceId,
        device.state,
        device.model,
        device.serial,
        device.firmwareVersion,
        device.lastAction,
        device.lastEventId,
        device.lastHlc,
        device.eventCount,
        device.supersededCount,
      ],
    );
  }
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
