import { useEffect, useState } from 'react';
import { useBridge } from '../../bridge';

/**
 * The serials of the few devices the jobs name, asked one by one (`devices:get`) rather than by
 * loading a station's whole device list. A device the station does not know keeps its id.
 */
export function useDeviceSerials(deviceIds: readonly string[]): ReadonlyMap<string, string> {
  const bridge = useBridge();
  const [serials, setSerials] = useState<ReadonlyMap<string, string>>(new Map());
  const key = [...new Set(deviceIds)].sort().join('\n');

  useEffect(() => {
    let isCurrent = true;
    const wanted = key === '' ? [] : key.split('\n');
    for (const deviceId of wanted) {
      bridge.invoke('devices:get', { deviceId }).then(
        ({ device }) => {
          const serial = device?.serial;
          if (isCurrent && serial)
            setSerials((known) =>
              known.get(deviceId) === serial ? known : new Map(known).set(deviceId, serial),
            );
        },
        // Without a serial the id is shown; nothing else depends on it.
        () => undefined,
      );
    }
    return () => {
      isCurrent = false;
    };
  }, [bridge, key]);

  return serials;
}
