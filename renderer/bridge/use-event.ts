import { useEffect, useRef } from 'react';
import type { EventName, EventPayload } from '../../shared/contract';
import { useBridge } from './use-bridge';

/** Subscribes to a contract event for the component's lifetime; the latest `listener` is always used. */
export function useEvent<N extends EventName>(name: N, listener: (payload: EventPayload<N>) => void): void {
  const bridge = useBridge();
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => bridge.on(name, (payload) => latest.current(payload)), [bridge, name]);
}
