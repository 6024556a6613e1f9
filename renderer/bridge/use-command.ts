import { useCallback, useEffect, useState } from 'react';
import type { CommandInput, CommandName, CommandOutput } from '../../shared/contract';
import { toAppError, type AppError } from '../../shared/errors';
import { useBridge } from './use-bridge';
import { useReconnected } from './use-connection-state';

export interface CommandState<T> {
  /** The last answer; kept while reloading so a refresh does not flash back to a skeleton. */
  data: T | undefined;
  error: AppError | null;
  loading: boolean;
  reload: () => void;
}

interface Answer<T> {
  data: T | undefined;
  error: AppError | null;
  loading: boolean;
}

/** Invokes a command when the component mounts, when `input` changes, on `reload()` and after a reconnect. */
export function useCommand<N extends CommandName>(
  name: N,
  input?: CommandInput<N>,
): CommandState<CommandOutput<N>> {
  const bridge = useBridge();
  // Inputs are JSON on the wire anyway; the text makes a stable dependency from an inline object.
  const inputKey = JSON.stringify(input ?? null);
  const [reloadCount, setReloadCount] = useState(0);
  const [answer, setAnswer] = useState<Answer<CommandOutput<N>>>({
    data: undefined,
    error: null,
    loading: true,
  });
  const reload = useCallback(() => setReloadCount((count) => count + 1), []);
  useReconnected(reload);

  useEffect(() => {
    let isCurrent = true;
    setAnswer((previous) => ({ ...previous, loading: true }));
    const sentInput = (JSON.parse(inputKey) ?? undefined) as CommandInput<N> | undefined;
    bridge.invoke(name, sentInput).then(
      (data) => {
        if (isCurrent) setAnswer({ data, error: null, loading: false });
      },
      (error: unknown) => {
        if (isCurrent)
          setAnswer((previous) => ({ data: previous.data, error: toAppError(error), loading: false }));
      },
    );
    return () => {
      isCurrent = false;
    };
  }, [bridge, name, inputKey, reloadCount]);

  return { ...answer, reload };
}
