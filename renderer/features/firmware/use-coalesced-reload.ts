import { useCallback, useEffect, useRef } from 'react';

/**
 * Calls `reload` at most once per `intervalMs`, at the end of a burst: discovery can announce devices
 * many times a second, and each `firmware:get` verifies the stored bundle again.
 */
export function useCoalescedReload(reload: () => void, intervalMs = 1_000): () => void {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef(reload);
  latest.current = reload;
  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
    },
    [],
  );
  return useCallback(() => {
    if (timer.current !== null) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      latest.current();
    }, intervalMs);
  }, [intervalMs]);
}
