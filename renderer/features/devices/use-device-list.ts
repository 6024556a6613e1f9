import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { Device } from '../../../shared/contract';
import { toAppError, type AppError } from '../../../shared/errors';
import { useBridge, useEvent, useReconnected } from '../../bridge';
import { deviceListReducer, devicesInOrder, initialDeviceListState } from './device-list-state';

/** How long a newly arrived device keeps its highlight (the CSS fade is a little shorter). */
const HIGHLIGHT_MS = 3_000;

export interface DeviceList {
  devices: Device[];
  highlightedIds: ReadonlySet<string>;
  isLoaded: boolean;
  error: AppError | null;
  reload: () => void;
}

/** `devices:list` once, then `devices:changed` deltas on top of it. */
export function useDeviceList(): DeviceList {
  const bridge = useBridge();
  const [state, dispatch] = useReducer(deviceListReducer, initialDeviceListState);
  const [error, setError] = useState<AppError | null>(null);
  const [loadCount, setLoadCount] = useState(0);
  const timers = useRef(new Map<string, ReturnType<typeof setTimeout>>());
  const reload = useCallback(() => setLoadCount((count) => count + 1), []);
  useReconnected(reload);

  useEvent('devices:changed', (delta) => dispatch({ type: 'changed', delta }));

  useEffect(() => {
    for (const id of state.highlightedIds) {
      if (timers.current.has(id)) continue;
      const timer = setTimeout(() => {
        timers.current.delete(id);
        dispatch({ type: 'highlight-ended', ids: [id] });
      }, HIGHLIGHT_MS);
      timers.current.set(id, timer);
    }
  }, [state.highlightedIds]);

  useEffect(() => {
    let isCurrent = true;
    bridge.invoke('devices:list').then(
      ({ devices }) => {
        if (!isCurrent) return;
        setError(null);
        dispatch({ type: 'loaded', devices });
      },
      (failure: unknown) => {
        if (isCurrent) setError(toAppError(failure));
      },
    );
    return () => {
      isCurrent = false;
    };
  }, [bridge, loadCount]);

  useEffect(() => {
    const pending = timers.current;
    return () => pending.forEach((timer) => clearTimeout(timer));
  }, []);

  const devices = useMemo(() => devicesInOrder(state), [state]);
  return { devices, highlightedIds: state.highlightedIds, isLoaded: state.isLoaded, error, reload };
}
