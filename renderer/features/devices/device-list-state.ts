import type { Device, EventPayload } from '../../../shared/contract';

export type DeviceDelta = EventPayload<'devices:changed'>;

export interface DeviceListState {
  isLoaded: boolean;
  /** Ids, newest arrivals first. */
  order: readonly string[];
  byId: ReadonlyMap<string, Device>;
  /** Devices that arrived after the first load, shown with a brief highlight. */
  highlightedIds: ReadonlySet<string>;
  /** Deltas that arrived before the list did; applied on top of it. */
  early: readonly DeviceDelta[];
}

export type DeviceListAction =
  | { type: 'loaded'; devices: readonly Device[] }
  | { type: 'changed'; delta: DeviceDelta }
  | { type: 'highlight-ended'; ids: readonly string[] };

export const initialDeviceListState: DeviceListState = {
  isLoaded: false,
  order: [],
  byId: new Map(),
  highlightedIds: new Set(),
  early: [],
};

// The core writes UTC ISO timestamps, so text order is time order.
const isNewer = (a: Device, b: Device): boolean => a.updatedAt > b.updatedAt;

export function deviceListReducer(state: DeviceListState, action: DeviceListAction): DeviceListState {
  switch (action.type) {
    case 'loaded':
      return applyEarlyDeltas(action.devices, state.early);
    case 'changed':
      return state.isLoaded
        ? applyDelta(state, action.delta)
        : { ...state, early: [...state.early, action.delta] };
    case 'highlight-ended': {
      const highlightedIds = new Set(state.highlightedIds);
      for (const id of action.ids) highlightedIds.delete(id);
      return { ...state, highlightedIds };
    }
  }
}

function applyEarlyDeltas(devices: readonly Device[], early: readonly DeviceDelta[]): DeviceListState {
  const byId = new Map(devices.map((device) => [device.id, device]));
  // A delta may be older or newer than the list, depending on when the core took its snapshot;
  // `updatedAt` decides which version of a device wins.
  for (const delta of early) {
    for (const device of delta.upserted) {
      const known = byId.get(device.id);
      if (known === undefined || isNewer(device, known)) byId.set(device.id, device);
    }
    for (const id of delta.removedIds) byId.delete(id);
  }
  const order = [...byId.values()]
    .sort((a, b) => (isNewer(a, b) ? -1 : isNewer(b, a) ? 1 : 0))
    .map((device) => device.id);
  return { isLoaded: true, order, byId, highlightedIds: new Set(), early: [] };
}

function applyDelta(state: DeviceListState, delta: DeviceDelta): DeviceListState {
  const byId = new Map(state.byId);
  const arrivals: string[] = [];
  for (const device of delta.upserted) {
    if (!byId.has(device.id)) arrivals.push(device.id);
    byId.set(device.id, device);
  }
  const removed = new Set(delta.removedIds.filter((id) => byId.delete(id)));
  // Known devices keep their row, so nothing jumps under the pointer; arrivals go on top.
  const kept = removed.size === 0 ? state.order : state.order.filter((id) => !removed.has(id));
  const order = arrivals.length === 0 ? kept : [...arrivals.reverse(), ...kept];
  const highlightedIds = new Set([...state.highlightedIds, ...arrivals].filter((id) => byId.has(id)));
  return { ...state, order, byId, highlightedIds };
}

/** The devices in display order. */
export function devicesInOrder(state: DeviceListState): Device[] {
  return state.order.flatMap((id) => state.byId.get(id) ?? []);
}
