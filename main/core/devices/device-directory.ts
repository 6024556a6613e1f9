import type { Device, DeviceQuery, Sighting } from '../../../shared/contract';
import { hlcToIso } from '../../../shared/ledger/hlc';
import type { DeviceRegistry, LiveDevice } from '../discovery/device-registry';
import type { DeviceRecord } from '../ledger/device-record';
import type { LedgerStore } from '../ports/ledger-store';
import { DeviceIndex, type DevicePage } from './device-index';

/**
 * Every device the station knows, as the UI sees it: the ledger's projection of each device joined with
 * where discovery sees it right now. A device seen but not yet in the ledger is listed as `new`.
 */
export class DeviceDirectory {
  readonly #store: LedgerStore;
  readonly #registry: DeviceRegistry;
  #knownPosition: number;
  /** Built on the first query or live change, then kept current; `list()` never needs it. */
  #indexed: { index: DeviceIndex; records: Map<string, DeviceRecord> } | null = null;

  constructor(store: LedgerStore, registry: DeviceRegistry) {
    this.#store = store;
    this.#registry = registry;
    this.#knownPosition = store.lastPosition();
    // Registered before any host's listener, so a query answered for a `devices:changed` already sees it.
    registry.onChanged(({ upserted, removedIds }) => {
      if (this.#indexed === null) return;
      for (const live of upserted) this.#reindex(live.id);
      for (const id of removedIds) this.#reindex(id);
    });
  }

  /** Every device, read from the ledger: live-only devices first, then the most recently updated. */
  list(): Device[] {
    const records = this.#store.listDevices();
    const recorded = new Set(records.map((record) => record.id));
    const unrecorded = this.#registry.list().filter((live) => !recorded.has(live.id));
    return [...unrecorded.map(fromLiveOnly), ...records.map((record) => this.#fromRecord(record))];
  }

  /** One filtered, sorted page, answered from the in-memory index. */
  query(query: DeviceQuery): DevicePage {
    return this.#ensureIndexed().index.query(query);
  }

  /**
   * Builds the index now rather than on the first query: reading 100,000 devices from SQLite takes
   * most of a second, which a station should spend at start, not in the first paint of the list.
   */
  warm(): void {
    this.#ensureIndexed();
  }

  get(deviceId: string): Device | null {
    return this.#ensureIndexed().index.get(deviceId);
  }

  /** Devices whose ledger record changed since the last call (from this process or another). */
  takeLedgerChanges(): Device[] {
    const changed = this.#store.devicesChangedSince(this.#knownPosition);
    this.#knownPosition = this.#store.lastPosition();
    const devices = changed.map((record) => this.#fromRecord(record));
    if (this.#indexed !== null) {
      for (const record of changed) this.#indexed.records.set(record.id, record);
      for (const device of devices) this.#indexed.index.upsert(device);
    }
    return devices;
  }

  /** The UI's view of devices that discovery just reported. */
  describeLive(devices: LiveDevice[]): Device[] {
    const { records } = this.#ensureIndexed();
    return devices.map((live) => {
      const record = records.get(live.id);
      return record === undefined ? fromLiveOnly(live) : this.#fromRecord(record);
    });
  }

  #ensureIndexed(): { index: DeviceIndex; records: Map<string, DeviceRecord> } {
    if (this.#indexed === null) {
      const index = new DeviceIndex();
      const records = new Map<string, DeviceRecord>();
      for (const record of this.#store.listDevices()) {
        records.set(record.id, record);
        index.upsert(this.#fromRecord(record));
      }
      for (const live of this.#registry.list()) {
        if (!records.has(live.id)) index.upsert(fromLiveOnly(live));
      }
      this.#indexed = { index, records };
    }
    return this.#indexed;
  }

  /** After discovery changed a device: its ledger record joined with what is seen now, or gone if neither. */
  #reindex(deviceId: string): void {
    const { index, records } = this.#ensureIndexed();
    const record = records.get(deviceId);
    const live = this.#registry.get(deviceId);
    if (record !== undefined) index.upsert(this.#fromRecord(record));
    else if (live !== null) index.upsert(fromLiveOnly(live));
    else index.remove(deviceId);
  }

  #fromRecord(record: DeviceRecord): Device {
    const live = this.#registry.get(record.id);
    return {
      id: record.id,
      state: record.state,
      model: live?.model ?? record.model,
      serial: live?.serial ?? record.serial,
      firmwareVersion: live?.firmwareVersion ?? record.firmwareVersion,
      sightings: live === null ? [] : live.sightings.map(toSighting),
      lastAction: record.lastEventType,
      updatedAt: hlcToIso(record.updatedHlc) ?? record.updatedHlc,
    };
  }
}

function fromLiveOnly(live: LiveDevice): Device {
  const sightings = live.sightings.map(toSighting);
  return {
    id: live.id,
    state: 'new',
    model: live.model,
    serial: live.serial,
    firmwareVersion: live.firmwareVersion,
    sightings,
    lastAction: null,
    updatedAt: sightings.map((s) => s.lastSeenAt).sort().at(-1) ?? new Date(0).toISOString(),
  };
}

function toSighting({ transport, address, lastSeenAt }: LiveDevice['sightings'][number]): Sighting {
  return { transport, address, lastSeenAt };
}
