import type { Device, Sighting } from '../../../shared/contract';
import { hlcToIso } from '../../../shared/ledger/hlc';
import type { DeviceRegistry, LiveDevice } from '../discovery/device-registry';
import type { DeviceRecord } from '../ledger/device-record';
import type { LedgerStore } from '../ports/ledger-store';

/**
 * Every device the station knows, as the UI sees it: the ledger's projection of each device joined with
 * where discovery sees it right now. A device seen but not yet in the ledger is listed as `new`.
 */
export class DeviceDirectory {
  readonly #store: LedgerStore;
  readonly #registry: DeviceRegistry;
  #knownPosition: number;

  constructor(store: LedgerStore, registry: DeviceRegistry) {
    this.#store = store;
    this.#registry = registry;
    this.#knownPosition = store.lastPosition();
  }

  list(): Device[] {
    const records = this.#store.listDevices();
    const recorded = new Set(records.map((record) => record.id));
    const unrecorded = this.#registry.list().filter((live) => !recorded.has(live.id));
    return [...unrecorded.map(fromLiveOnly), ...records.map((record) => this.#fromRecord(record))];
  }

  /** Devices whose ledger record changed since the last call (from this process or another). */
  takeLedgerChanges(): Device[] {
    const changed = this.#store.devicesChangedSince(this.#knownPosition);
    this.#knownPosition = this.#store.lastPosition();
    return changed.map((record) => this.#fromRecord(record));
  }

  /** The UI's view of devices that discovery just reported. */
  describeLive(devices: LiveDevice[]): Device[] {
    const records = new Map(this.#store.listDevices().map((record) => [record.id, record]));
    return devices.map((live) => {
      const record = records.get(live.id);
      return record === undefined ? fromLiveOnly(live) : this.#fromRecord(record);
    });
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
