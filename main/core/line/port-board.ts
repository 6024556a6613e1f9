import type { PortTile } from '../../../shared/contract/line';
import type { LiveDevice } from '../discovery/device-registry';

export type PortMode = { mode: 'all' } | { mode: 'listed'; addresses: string[] };

/** A device at a port, as discovery sees it. */
export interface PortOccupant {
  deviceId: string;
  serial: string | null;
  hardwareId: string | null;
}

export interface PortSlot {
  tile: PortTile;
  /** Set while a run is in flight; the run, not presence on the port, decides how it ends. */
  runId: string | null;
  /** Whether discovery sees the tile's device at the port now. */
  isPresent: boolean;
}

/** Transports a line port can be: the ones a flash job reaches (protocols.md §1). */
const LINE_TRANSPORTS = new Set(['serial', 'network']);

export function portIdOf(transport: string, address: string): string {
  return `${transport}:${address}`;
}

/** Which port each device sits on now; a device seen on several counts at its first (serial before network). */
export function occupantsByPort(devices: LiveDevice[], mode: PortMode): Map<string, PortOccupant> {
  const listed = mode.mode === 'listed' ? new Set(mode.addresses) : null;
  const byPort = new Map<string, PortOccupant>();
  for (const device of devices) {
    const ports = device.sightings
      .filter((sighting) => LINE_TRANSPORTS.has(sighting.transport))
      .sort((a, b) => (a.transport === b.transport ? 0 : a.transport === 'serial' ? -1 : 1))
      .map((sighting) => portIdOf(sighting.transport, sighting.address))
      .filter((port) => listed === null || listed.has(port));
    const port = ports[0];
    if (port !== undefined) byPort.set(port, { deviceId: device.id, serial: device.serial, hardwareId: device.hardwareId?.toLowerCase() ?? null });
  }
  return byPort;
}

/** The port tiles, in configuration order (listed ports) or the order ports were first seen. */
export class PortBoard {
  readonly #slots = new Map<string, PortSlot>();

  configure(mode: PortMode): void {
    if (mode.mode === 'all') return;
    for (const port of mode.addresses) this.#ensure(port);
    // A port no longer listed goes, unless a run is still in flight on it.
    for (const [port, slot] of this.#slots) if (!mode.addresses.includes(port) && slot.runId === null) this.#slots.delete(port);
  }

  slot(port: string): PortSlot {
    return this.#ensure(port);
  }

  slots(): PortSlot[] {
    return [...this.#slots.values()];
  }

  tiles(): PortTile[] {
    return this.slots().map((slot) => ({ ...slot.tile }));
  }

  #ensure(port: string): PortSlot {
    let slot = this.#slots.get(port);
    if (slot === undefined) {
      slot = { tile: emptyTile(port, `Port ${this.#slots.size + 1}`), runId: null, isPresent: false };
      this.#slots.set(port, slot);
    }
    return slot;
  }
}

export function emptyTile(port: string, label: string): PortTile {
  return {
    port,
    label,
    state: 'waiting',
    deviceId: null,
    serial: null,
    hardwareId: null,
    percent: null,
    reason: null,
    code: null,
    step: null,
    since: null,
    isCanary: false,
  };
}
