import { useCallback, useEffect, useState } from 'react';
import type { Device } from '../../../../shared/contract';
import { toAppError, type AppError } from '../../../../shared/errors';
import { useBridge, useEvent, useReconnected } from '../../../bridge';

export interface DeviceLookup {
  /** `undefined` while loading; `null` when the station does not know the device (or it went away). */
  device: Device | null | undefined;
  error: AppError | null;
  reload: () => void;
}

/**
 * One device: picked from `devices:list`, then kept current by `devices:changed`. Only the one device
 * is kept, not the whole list. (A `devices:get` command would spare fetching the list.)
 */
export function useDevice(deviceId: string): DeviceLookup {
  const bridge = useBridge();
  const [device, setDevice] = useState<Device | null | undefined>(undefined);
  const [error, setError] = useState<AppError | null>(null);
  const [loadCount, setLoadCount] = useState(0);
  const reload = useCallback(() => setLoadCount((count) => count + 1), []);
  useReconnected(reload);

  useEvent('devices:changed', ({ upserted, removedIds }) => {
    const changed = upserted.findLast((candidate) => candidate.id === deviceId);
    if (changed !== undefined) setDevice(changed);
    else if (removedIds.includes(deviceId)) setDevice(null);
  });

  useEffect(() => {
    let isCurrent = true;
    bridge.invoke('devices:list').then(
      ({ devices }) => {
        if (!isCurrent) return;
        setError(null);
        const listed = devices.find((candidate) => candidate.id === deviceId) ?? null;
        // A change pushed while the list was on its way may be newer than the list's snapshot.
        setDevice((known) => (known && listed && known.updatedAt > listed.updatedAt ? known : listed));
      },
      (failure: unknown) => {
        if (isCurrent) setError(toAppError(failure));
      },
    );
    return () => {
      isCurrent = false;
    };
  }, [bridge, deviceId, loadCount]);

  return { device, error, reload };
}
