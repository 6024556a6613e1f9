import type { JsonValue } from '../../../shared/contract/ledger';
import type { LifecycleState } from '../../../shared/contract/devices';
import { nextLifecycleState } from '../../../shared/ledger/lifecycle-rules';

/** The fields of a stored event the projection reads. */
export interface ProjectionEvent {
  id: string;
  hlc: string;
  type: string;
  payload: JsonValue;
}

export interface DeviceProjection {
  state: LifecycleState;
  model: string | null;
  serial: string | null;
  firmwareVersion: string | null;
  lastAction: string | null;
  lastEventId: string | null;
  lastHlc: string | null;
  eventCount: number;
  supersededCount: number;
}

/**
 * The causal order every server and every test agrees on: HLC, then event id, both compared as
 * code units (the same as PostgreSQL's "C" collation for the ASCII these use). Arrival order and
 * station never matter, so two stations that handled one device offline converge on one answer.
 */
export function compareCausal(a: { hlc: string; id: string }, b: { hlc: string; id: string }): number {
  if (a.hlc !== b.hlc) return a.hlc < b.hlc ? -1 : 1;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return 0;
}

function textField(payload: JsonValue, ...keys: string[]): string | undefined {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return undefined;
  for (const key of keys) {
    const value = payload[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

/**
 * Folds every event about one device, in causal order, into its current state. A pure function
 * of the set of events: the same events give the same device whatever order they arrived in.
 */
export function projectDevice(events: readonly ProjectionEvent[]): DeviceProjection {
  const ordered = [...events].sort(compareCausal);
  let state: LifecycleState | null = null;
  const device: Omit<DeviceProjection, 'state'> = {
    model: null,
    serial: null,
    firmwareVersion: null,
    lastAction: null,
    lastEventId: null,
    lastHlc: null,
    eventCount: ordered.length,
    supersededCount: 0,
  };
  for (const event of ordered) {
    const step = nextLifecycleState(state, event.type);
    if (step.isSuperseded) {
      device.supersededCount += 1;
      continue;
    }
    state = step.state;
    device.model = textField(event.payload, 'model') ?? device.model;
    device.serial = textField(event.payload, 'serial') ?? device.serial;
    if (event.type === 'firmware.flashed') {
      device.firmwareVersion = textField(event.payload, 'firmwareVersion', 'version') ?? device.firmwareVersion;
    }
    device.lastAction = event.type;
    device.lastEventId = event.id;
    device.lastHlc = event.hlc;
  }
  // A device known only from non-lifecycle events (e.g. a sighting) is treated as newly found.
  return { state: state ?? 'new', ...device };
}
