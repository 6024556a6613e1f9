import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { LIFECYCLE_STATES } from '../../../shared/contract/devices';
import type { SqlExecutor } from '../db/database';
import { countDevicesByState } from '../projection/device-store';

/** Milliseconds since the epoch encoded in a UUIDv7's first 48 bits: when the station created the event. */
export function uuidV7TimeMs(id: string): number {
  return Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);
}

/**
 * The server's Prometheus metrics, on a registry of its own (not prom-client's global one), so
 * that several servers in one test process never share counters.
 */
export class FleetMetrics {
  readonly registry = new Registry();
  readonly eventsIngested = new Counter({
    name: 'fleet_events_ingested_total',
    help: 'Events newly stored, by station.',
    labelNames: ['station'],
    registers: [this.registry],
  });
  readonly eventsDuplicate = new Counter({
    name: 'fleet_events_duplicate_total',
    help: 'Events received again with identical content (resends), by station.',
    labelNames: ['station'],
    registers: [this.registry],
  });
  readonly batchesRejected = new Counter({
    name: 'fleet_batches_rejected_total',
    help: 'Ingest requests refused, by error code.',
    labelNames: ['code'],
    registers: [this.registry],
  });
  readonly ingestLag = new Gauge({
    name: 'fleet_ingest_lag_seconds',
    help: 'For the last accepted batch of each station: time between the station creating its newest event (UUIDv7 time) and the server storing it.',
    labelNames: ['station'],
    registers: [this.registry],
  });
  readonly certificatesIssued = new Counter({
    name: 'fleet_certificates_issued_total',
    help: 'Certificates issued or registered, by kind (station, device) and source (enrollment, est, offline).',
    labelNames: ['kind', 'source'],
    registers: [this.registry],
  });
  readonly certificatesRevoked = new Counter({
    name: 'fleet_certificates_revoked_total',
    help: 'Certificates revoked, by kind.',
    labelNames: ['kind'],
    registers: [this.registry],
  });

  constructor(db: SqlExecutor) {
    collectDefaultMetrics({ register: this.registry });
    const registry = this.registry;
    new Gauge({
      name: 'fleet_devices',
      help: 'Devices in the projection, by lifecycle state.',
      labelNames: ['state'],
      registers: [registry],
      // Read from the projection at scrape time, so the figure survives restarts and is the same on
      // every server sharing the database.
      async collect() {
        const counts = await countDevicesByState(db);
        for (const state of LIFECYCLE_STATES) this.set({ state }, counts.get(state) ?? 0);
      },
    });
  }

  recordAcceptedBatch(stationId: string, accepted: number, duplicates: number, newestEventId: string | null, nowMs: number): void {
    if (accepted > 0) this.eventsIngested.inc({ station: stationId }, accepted);
    if (duplicates > 0) this.eventsDuplicate.inc({ station: stationId }, duplicates);
    if (newestEventId !== null) this.ingestLag.set({ station: stationId }, Math.max(0, (nowMs - uuidV7TimeMs(newestEventId)) / 1000));
  }
}
