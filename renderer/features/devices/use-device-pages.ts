import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useBridge, useEvent, useReconnected } from '../../bridge';
import { DevicePageCache, type DeviceFilterQuery, type DevicePageSnapshot } from './device-page-cache';

/**
 * Changes come in bursts (a rack of devices plugged at once): the first change of a burst schedules one
 * refresh this much later, and later changes ride along, so a steady stream cannot postpone it forever.
 */
export const REFRESH_DEBOUNCE_MS = 250;

export interface DevicePages extends DevicePageSnapshot {
  cache: DevicePageCache;
}

/**
 * The Devices table's data: pages of `devices:list` for the rows in view, refreshed (debounced) when
 * `devices:changed` says something moved, and fetched again from the top when the filters change.
 */
export function useDevicePages(filters: DeviceFilterQuery): DevicePages {
  const bridge = useBridge();
  const [cache] = useState(() => new DevicePageCache((query) => bridge.invoke('devices:list', query)));
  const snapshot = useSyncExternalStore(cache.subscribe, cache.getSnapshot);
  // Keyed by content: a new object with the same filters is not a new query.
  const filterKey = JSON.stringify(filters);
  const stableFilters = useMemo(() => JSON.parse(filterKey) as DeviceFilterQuery, [filterKey]);

  useEffect(() => cache.setFilters(stableFilters), [cache, stableFilters]);
  useEffect(() => () => cache.dispose(), [cache]);
  useReconnected(() => cache.reload());

  const pendingRefresh = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEvent('devices:changed', ({ upserted, removedIds }) => {
    cache.noteChanged([...upserted.map((device) => device.id), ...removedIds]);
    pendingRefresh.current ??= setTimeout(() => {
      pendingRefresh.current = null;
      cache.refresh();
    }, REFRESH_DEBOUNCE_MS);
  });
  useEffect(
    () => () => {
      if (pendingRefresh.current !== null) clearTimeout(pendingRefresh.current);
      pendingRefresh.current = null;
    },
    [],
  );

  return { ...snapshot, cache };
}
