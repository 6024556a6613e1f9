import { useCallback, useState } from 'react';
import type { SyncStatus } from '../../../shared/contract';
import type { AppError } from '../../../shared/errors';
import { useCommand, useEvent } from '../../bridge';

export interface SyncStatusState {
  status: SyncStatus | undefined;
  error: AppError | null;
  reload: () => void;
  /** Shows a status the caller just received, e.g. the answer of `sync:now` or `sync:enroll-station`. */
  accept: (status: SyncStatus) => void;
}

/** `sync:status` once, then every `sync:status-changed` and every status a command answered; the latest wins. */
export function useSyncStatus(): SyncStatusState {
  const fetched = useCommand('sync:status');
  const [latest, setLatest] = useState<SyncStatus | undefined>(undefined);
  useEvent('sync:status-changed', setLatest);
  // A push is newer than the answer it arrived after; a refetch (reconnect) is newer than old pushes.
  const [seenFetch, setSeenFetch] = useState(fetched.data);
  if (seenFetch !== fetched.data) {
    setSeenFetch(fetched.data);
    setLatest(undefined);
  }
  const accept = useCallback((status: SyncStatus) => setLatest(status), []);
  return { status: latest ?? fetched.data, error: fetched.error, reload: fetched.reload, accept };
}
