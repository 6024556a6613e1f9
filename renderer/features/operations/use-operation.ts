import { useCallback, useState } from 'react';
import type { OperationSummary } from '../../../shared/contract';
import { useEvent } from '../../bridge';

/**
 * Follows one operation by id through `operations:changed`; `track` starts following the one a
 * command just returned (its first change may already have been sent, so the answer seeds it).
 */
export function useOperation(): {
  operation: OperationSummary | null;
  track: (operation: OperationSummary) => void;
  clear: () => void;
} {
  const [operation, setOperation] = useState<OperationSummary | null>(null);
  useEvent('operations:changed', ({ operation: changed }) => {
    setOperation((current) =>
      current !== null && current.id === changed.id && changed.updatedAt >= current.updatedAt
        ? changed
        : current,
    );
  });
  const track = useCallback((started: OperationSummary) => setOperation(started), []);
  const clear = useCallback(() => setOperation(null), []);
  return { operation, track, clear };
}
