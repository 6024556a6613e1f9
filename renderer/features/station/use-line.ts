import { useEffect, useState } from 'react';
import type { LineSnapshot } from '../../../shared/contract';
import { useCommand, useEvent } from '../../bridge';

const ROLLING_REFRESH_MS = 30_000;

/** The line as the core last described it: `line:status` once (and after a reconnect), then every `line:changed`. */
export function useLine() {
  const status = useCommand('line:status');
  const [line, setLine] = useState<LineSnapshot | undefined>(undefined);
  useEffect(() => {
    if (status.data !== undefined) setLine(status.data);
  }, [status.data]);
  useEvent('line:changed', (payload) => setLine(payload.line));
  // Devices per hour is a rolling figure: it falls while the line is idle, with no event to say so.
  const { reload } = status;
  useEffect(() => {
    const timer = setInterval(reload, ROLLING_REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);
  return { line, error: status.error, loading: status.loading && line === undefined, reload: status.reload, setLine };
}

/** The current time, every `intervalMs`: for elapsed times on the tiles. */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
