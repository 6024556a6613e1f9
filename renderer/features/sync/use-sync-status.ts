import { useState } from 'react';
import type { SyncStatus } from '../../../shared/contract';
import type { AppError } from '../../../shared/errors';
import { useCommand, useEvent } from '../../bridge';

/** `sync:status` once, then every `sync:status-changed`; the latest wins. */
export function useSyncStatus(): { status: SyncStatus | undefined; error: AppError | null } {
  const fetched = useCommand('sync:status');
  const [pushed, setPushed] = useState<SyncStatus | undefined>(undefined);
  useEvent('sync:status-changed', setPushed);
  // A push is newer than the answer it arrived after; a refetch (reconnect) is newer than old pushes.
  const [seenFetch, setSeenFetch] = useState(fetched.data);
  if (seenFetch !== fetched.data) {
    setSeenFetch(fetched.data);
    setPushed(undefined);
  }
  return { status: pushed ?? fetched.data, error: fetched.error };
}
