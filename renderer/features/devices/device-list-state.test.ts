// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { makeDevice } from '../../test/fixtures';
import { deviceListReducer, devicesInOrder, initialDeviceListState } from './device-list-state';

describe('deviceListReducer', () => {
  it('applies deltas that arrived before the list, keeping the newer version of a device', () => {
    const older = makeDevice({ id: 'a', state: 'new', updatedAt: '2025-01-01T00:00:00.000Z' });
    const newer = makeDevice({ id: 'a', state: 'provisioned', updatedAt: '2025-01-01T00:00:05.000Z' });
    let state = deviceListReducer(initialDeviceListState, {
      type: 'changed',
      delta: { upserted: [newer], removedIds: ['gone'] },
    });
    state = deviceListReducer(state, {
      type: 'loaded',
      devices: [older, makeDevice({ id: 'gone', updatedAt: '2025-01-01T00:00:00.000Z' })],
    });
    expect(devicesInOrder(state).map((device) => [device.id, device.state])).toEqual([['a', 'provisioned']]);
    expect(state.highlightedIds.size).toBe(0);
  });

  it('keeps known devices in place when they change and highlights arrivals', () => {
    let state = deviceListReducer(initialDeviceListState, {
      type: 'loaded',
      devices: [
        makeDevice({ id: 'a', updatedAt: '2025-01-02T00:00:00.000Z' }),
        makeDevice({ id: 'b', updatedAt: '2025-01-01T00:00:00.000Z' }),
      ],
    });
    state = deviceListReducer(state, {
      type: 'changed',
      delta: {
        upserted: [
          makeDevice({ id: 'b', state: 'failed', updatedAt: '2025-01-03T00:00:00.000Z' }),
          makeDevice({ id: 'c' }),
        ],
        removedIds: [],
      },
    });
    expect(state.order).toEqual(['c', 'a', 'b']);
    expect([...state.highlightedIds]).toEqual(['c']);
    state = deviceListReducer(state, { type: 'highlight-ended', ids: ['c'] });
    expect(state.highlightedIds.size).toBe(0);
  });
});
