import { useCallback, useEffect, useState } from 'react';
import type { Device } from '../../../shared/contract';
import { toAppError, type AppError } from '../../../shared/errors';
import { useBridge, useEvent, useReconnected } from '../../bridge';

export interface DeviceById {
  /** `undefined` while loading; `null` when the station does not know the device. */
  device: Device | null | undefined;
  error: AppError | null;
  reload: () => void;
}

/**
 * One device for its detail view: `devices:get`, then kept current by `devices:changed`. Unlike picking
 * it out of `devices:list`, this costs the same at 100,000 devices as at ten.
 */
export function useDeviceById(deviceId: string): DeviceById {
  const bridge = useBridge();
  const [device, setDevice] = useState<Device | null | undefined>(undefined);
  const [error, setError] = useState<AppError | null>(null);
  const [loadCount, setLoadCount] = useState(0);
  const reload = useCallback(() => setLoadCount((count) => count + 1), []);
  useReconnected(reload);

  useEvent('devices:changed', ({ upserted, removedIds }) => {
    const changed = upserted.findLast((candidate) => candidate.id === deviceId);
    if (changed !== undefined) setDevice(changed);
    // Gone from discovery; the core still knows it if the ledger does, so ask again.
    else if (removedIds.includes(deviceId)) reload();
  });

  useEffect(() => {
    let isCurrent = true;
    bridge.invoke('devices:get', { deviceId }).then(
      (answer) => {
        if (!isCurrent) return;
        setError(null);
        // A change pushed while the answer was on its way may be newer than it.
        setDevice((known) => (known && answer.device && known.updatedAt > answer.device.updatedAt ? known : answer.device));
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
