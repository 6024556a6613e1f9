import { useEffect, useRef, useSyncExternalStore } from 'react';
import type { ConnectionState } from './connection-state';
import { useBridge } from './use-bridge';

export function useConnectionState(): ConnectionState {
  const { connection } = useBridge();
  return useSyncExternalStore(connection.subscribe, connection.current);
}

/**
 * Calls `onReconnected` when a lost connection comes back: events pushed while it was down are
 * gone, so views fetch their data again.
 */
export function useReconnected(onReconnected: () => void): void {
  const state = useConnectionState();
  const wasLost = useRef(false);
  const latest = useRef(onReconnected);
  latest.current = onReconnected;
  useEffect(() => {
    if (state === 'reconnecting') wasLost.current = true;
    else if (state === 'connected' && wasLost.current) {
      wasLost.current = false;
      latest.current();
    }
  }, [state]);
}
