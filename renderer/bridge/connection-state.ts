/**
 * Where the transport to the core stands. `connecting` lasts until the first successful open;
 * `reconnecting` means a working connection was lost. Electron IPC is always `connected`.
 */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting';

/**
 * Read-only view of the connection state. Properties rather than methods so they can be handed to
 * `useSyncExternalStore` without binding.
 */
export interface ConnectionMonitor {
  readonly current: () => ConnectionState;
  readonly subscribe: (listener: () => void) => () => void;
}

export interface ConnectionCell extends ConnectionMonitor {
  readonly set: (state: ConnectionState) => void;
}

export function createConnectionCell(initial: ConnectionState): ConnectionCell {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    current: () => state,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set: (next) => {
      if (next === state) return;
      state = next;
      for (const listener of [...listeners]) listener();
    },
  };
}
