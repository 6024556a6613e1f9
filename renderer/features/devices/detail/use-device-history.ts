import { useMemo } from 'react';
import type { LedgerEvent } from '../../../../shared/contract';
import type { AppError } from '../../../../shared/errors';
import { useCommand, useEvent } from '../../../bridge';

export interface DeviceHistory {
  /** Newest first, like the Records view; `undefined` until the first answer. */
  events: LedgerEvent[] | undefined;
  error: AppError | null;
  reload: () => void;
}

/**
 * `ledger:device-history` for one device, fetched again whenever the ledger grows (events written here
 * or by another process, e.g. the CLI). The previous answer stays on screen while the next one loads.
 */
export function useDeviceHistory(deviceId: string): DeviceHistory {
  const history = useCommand('ledger:device-history', { deviceId });
  const { reload } = history;
  useEvent('ledger:changed', reload);
  const events = useMemo(() => history.data?.events.toReversed(), [history.data]);
  return { events, error: history.error, reload };
}
