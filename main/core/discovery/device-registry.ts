import type { Sighting } from '../../../shared/contract';
import type { Clock } from '../ports/clock';
import type { Disposable } from '../event-bus';
import { aliasKeys, type SightingReport } from './sighting-report';

/** One physical device as discovery knows it right now. */
export interface LiveDevice {
  /** Stable id: the first alias the device was known by (`serial:…` or `hwid:…`). */
  id: string;
  aliases: string[];
  model: string | null;
  serial: string | null;
  hardwareId: string | null;
  firmwareVersion: string | null;
  sightings: (Sighting & { protocol: string | null })[];
}

export interface RegistryChange {
  upserted: LiveDevice[];
  removedIds: string[];
}

interface SightingState {
  report: SightingReport;
  deviceId: string | null;
  lastSeenMs: number;
  /** Set when the adapter reported the address gone; the sighting is dropped after the grace period. */
  lostAtMs: number | null;
}

/**
 * Merges sightings from every transport into one entry per physical device, keyed by a stable identity.
 * Identity survives re-enumeration (DFU ↔ run-time), a move to another port and a mode switch, because
 * the key is what the device says it is, never where it is. A device whose sightings are all lost
 * disappears after `graceMs`, so a replug or a reboot does not make it flicker.
 */
export class DeviceRegistry {
  readonly #clock: Clock;
  readonly #graceMs: number;
  readonly #sightings = new Map<string, SightingState>();
  readonly #aliasToDevice = new Map<string, string>();
  /** When each device id was first created: on a merge the oldest id survives, as the ledger knows it. */
  readonly #createdOrder = new Map<string, number>();
  readonly #listeners = new Set<(change: RegistryChange) => void>();

  constructor(clock: Clock, graceMs = 3_000) {
    this.#clock = clock;
    this.#graceMs = graceMs;
  }

  /** Records what an adapter sees at an address; returns the device id once the device is identified. */
  report(report: SightingReport): string | null {
    const key = sightingKey(report.transport, report.address);
    const previous = this.#sightings.get(key);
    const deviceId = this.#resolveDevice(aliasKeys(report.identifiers)) ?? previous?.deviceId ?? null;
    this.#sightings.set(key, { report, deviceId, lastSeenMs: this.#clock.nowMs(), lostAtMs: null });
    const touched = new Set([deviceId, previous?.deviceId].filter((id): id is string => id !== null && id !== undefined));
    this.#announce(touched);
    return deviceId;
  }

  /** The adapter no longer sees anything at this address. */
  lost(transport: SightingReport['transport'], address: string): void {
    const state = this.#sightings.get(sightingKey(transport, address));
    if (state === undefined || state.lostAtMs !== null) return;
    state.lostAtMs = this.#clock.nowMs();
  }

  /** Drops sightings lost longer than the grace period; call it periodically. */
  expire(): void {
    const now = this.#clock.nowMs();
    const touched = new Set<string>();
    for (const [key, state] of this.#sightings) {
      if (state.lostAtMs !== null && now - state.lostAtMs >= this.#graceMs) {
        this.#sightings.delete(key);
        if (state.deviceId !== null) touched.add(state.deviceId);
      }
    }
    this.#announce(touched);
  }

  /**
   * A verified flash changed what the device runs. A serial port that stays open through the reset is
   * not probed again, so without this its sighting would keep showing the old version.
   */
  firmwareChanged(deviceId: string, firmwareVersion: string): void {
    let isTouched = false;
    for (const state of this.#sightings.values()) {
      if (state.deviceId !== deviceId) continue;
      state.report = { ...state.report, firmwareVersion };
      isTouched = true;
    }
    if (isTouched) this.#announce(new Set([deviceId]));
  }

  list(): LiveDevice[] {
    const ids = new Set([...this.#sightings.values()].map((state) => state.deviceId).filter((id): id is string => id !== null));
    return [...ids].map((id) => this.#build(id)).filter((device): device is LiveDevice => device !== null);
  }

  get(deviceId: string): LiveDevice | null {
    return this.#build(deviceId);
  }

  onChanged(listener: (change: RegistryChange) => void): Disposable {
    this.#listeners.add(listener);
    return { dispose: () => this.#listeners.delete(listener) };
  }

  /** Finds the device any alias belongs to, links the others to it, and merges two devices if they turn out to be one. */
  #resolveDevice(aliases: string[]): string | null {
    if (aliases.length === 0) return null;
    const known = [...new Set(aliases.map((alias) => this.#aliasToDevice.get(alias)).filter((id): id is string => id !== undefined))];
    known.sort((a, b) => (this.#createdOrder.get(a) ?? 0) - (this.#createdOrder.get(b) ?? 0));
    const deviceId = known[0] ?? aliases[0]!;
    if (!this.#createdOrder.has(deviceId)) this.#createdOrder.set(deviceId, this.#createdOrder.size);
    for (const other of known.slice(1)) this.#merge(other, deviceId);
    for (const alias of aliases) this.#aliasToDevice.set(alias, deviceId);
    return deviceId;
  }

  #merge(fromId: string, intoId: string): void {
    for (const [alias, id] of this.#aliasToDevice) if (id === fromId) this.#aliasToDevice.set(alias, intoId);
    for (const state of this.#sightings.values()) if (state.deviceId === fromId) state.deviceId = intoId;
    this.#createdOrder.delete(fromId);
    this.#emit({ upserted: [], removedIds: [fromId] });
  }

  #build(deviceId: string): LiveDevice | null {
    const states = [...this.#sightings.values()].filter((state) => state.deviceId === deviceId);
    if (states.length === 0) return null;
    // The most recent report wins for facts that can change (firmware after a flash).
    const newestFirst = [...states].sort((a, b) => b.lastSeenMs - a.lastSeenMs);
    const pick = (read: (report: SightingReport) => string | undefined): string | null =>
      newestFirst.map((state) => read(state.report)).find((value) => value !== undefined) ?? null;
    return {
      id: deviceId,
      aliases: [...this.#aliasToDevice].filter(([, id]) => id === deviceId).map(([alias]) => alias),
      model: pick((report) => report.model),
      serial: pick((report) => report.identifiers.serial),
      hardwareId: pick((report) => report.identifiers.hardwareId),
      firmwareVersion: pick((report) => report.firmwareVersion),
      sightings: states.map((state) => ({
        transport: state.report.transport,
        address: state.report.address,
        lastSeenAt: new Date(state.lastSeenMs).toISOString(),
        protocol: state.report.protocol ?? null,
      })),
    };
  }

  #announce(deviceIds: Set<string>): void {
    if (deviceIds.size === 0) return;
    const upserted: LiveDevice[] = [];
    const removedIds: string[] = [];
    for (const id of deviceIds) {
      const device = this.#build(id);
      if (device === null) removedIds.push(id);
      else upserted.push(device);
    }
    this.#emit({ upserted, removedIds });
  }

  #emit(change: RegistryChange): void {
    for (const listener of [...this.#listeners]) listener(change);
  }
}

function sightingKey(transport: string, address: string): string {
  return `${transport}\u0000${address}`;
}
