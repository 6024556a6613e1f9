import type { LedgerEvent } from '../../../shared/contract';
import type { DeviceRecord } from '../ledger/device-record';

/** The last event of a station's chain: what the next event links to. */
export interface ChainTip {
  stationSeq: number;
  hash: string;
  hlc: string;
}

/** What the core decides inside an append transaction, given the current tip and device record. */
export interface PlannedAppend {
  event: LedgerEvent;
  /** The device's new projection, or null when the event is not about a device. */
  device: DeviceRecord | null;
}

/** A stored event and its local position (1, 2, 3… in this ledger file). */
export interface StoredEvent extends LedgerEvent {
  position: number;
}

export interface EventQuery {
  limit: number;
  /** Only events with a smaller position. */
  before?: number;
  deviceId?: string;
  type?: string;
  /** Case-insensitive text anywhere in the device id, type, actor or payload (serials, hashes, codes). */
  text?: string;
}

/**
 * Durable storage of the ledger (SQLite in main/adapters). Every append writes the event, the device
 * projection and the sync outbox row in one transaction, so a crash leaves either all three or none.
 */
export interface LedgerStore {
  /** This station's identity, created with the ledger file and never changed. */
  readonly stationId: string;
  /**
   * Runs `plan` inside an exclusive write transaction with the station's chain tip, the latest HLC in
   * the ledger and the device's current record, then stores what it returns. Another process writing
   * the same file waits, so chains never fork.
   */
  append(deviceId: string | null, plan: (context: AppendContext) => PlannedAppend): StoredEvent;
  listEvents(query: EventQuery): StoredEvent[];
  deviceHistory(deviceId: string): StoredEvent[];
  /** Every event in local order, read lazily, for export and verification. */
  iterateEvents(): IterableIterator<StoredEvent>;
  listDevices(): DeviceRecord[];
  /** Devices changed by events after `position`. */
  devicesChangedSince(position: number): DeviceRecord[];
  eventCount(): number;
  lastPosition(): number;
  pendingOutboxCount(): number;
  /** This station's events waiting in the outbox, in chain order (oldest first), at most `limit`. */
  outboxBatch(limit: number): LedgerEvent[];
  /** The fleet server holds this station's events up to `stationSeq`: drop them from the outbox. */
  acknowledgeThrough(stationSeq: number): void;
  /** The server lost events: put this station's events from `stationSeq` on back into the outbox. */
  requeueFrom(stationSeq: number): void;
  /** True when another connection committed since the last call (SQLite `PRAGMA data_version`). */
  hasExternalChanges(): boolean;
  close(): void;
}

export interface AppendContext {
  tip: ChainTip | null;
  latestHlc: string | null;
  device: DeviceRecord | null;
}
