import type { FromFlashProcess, ToFlashProcess } from './flash-process-protocol';

/** What the station sends that is for the task; the channel itself handles `release`. */
export type ToFlashTask = Exclude<ToFlashProcess, { type: 'release' }>;

/** A flash process's side of its channel to the station (flash-process.ts). */
export interface FlashProcessParent {
  post(message: FromFlashProcess): void;
  /** Sends the outcome; resolves once it is handed to the channel, so leaving after it cannot lose it. */
  postLast(message: FromFlashProcess): Promise<void>;
  onMessage(listener: (message: ToFlashTask) => void): void;
  /** The station went away (a forked process only: a utility process dies with the app). */
  onGone(listener: () => void): void;
  /** Nothing is left to do: lets the process end (at once, or once the station released it). */
  leave(): void;
}

/** Electron's `process.parentPort` in a utility process (only what we use). */
export interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  postMessage(message: unknown): void;
}

/** The parts of `process` the flash process talks through; a parameter so tests can stand in for it. */
export interface ProcessLike {
  parentPort?: ParentPortLike | null;
  send?: (message: unknown, sendHandle?: undefined, options?: object, callback?: () => void) => boolean;
  connected?: boolean;
  disconnect?: () => void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'disconnect', listener: () => void): unknown;
  exit(code?: number): void;
}

/**
 * Connects to the station: through `process.parentPort` in an Electron utility process (the packaged
 * app), else through the IPC channel of `child_process.fork`. Throws when the process has neither, that
 * is when flash-process.ts was not started as a flash process.
 */
export function connectToParent(proc: ProcessLike = process): FlashProcessParent {
  const port = proc.parentPort;
  if (port !== undefined && port !== null) return parentPortChannel(port, proc);
  if (proc.send !== undefined) return ipcChannel(proc);
  throw new Error('flash-process runs only as a forked flash process or an Electron utility process');
}

function ipcChannel(proc: ProcessLike): FlashProcessParent {
  return {
    post: (message) => void proc.send?.(message),
    postLast: (message) =>
      new Promise((resolve) => {
        if (proc.send === undefined || proc.connected !== true) resolve();
        else proc.send(message, undefined, {}, () => resolve());
      }),
    onMessage: (listener) =>
      void proc.on('message', (message) => {
        // A forked process leaves by closing its channel (below) and never needs the release.
        if ((message as ToFlashProcess).type !== 'release') listener(message as ToFlashTask);
      }),
    onGone: (listener) => void proc.on('disconnect', listener),
    // Leaving the channel lets the process end once nothing else is open (the flash closed its link).
    leave: () => {
      if (proc.connected === true) proc.disconnect?.();
    },
  };
}

/**
 * A utility process does not end when its work is done (electron#47228) and cannot close its
 * parentPort, so it exits itself, but only when it has left and the station has released it: the
 * release comes after the outcome arrived, so the exit can never overtake it.
 */
function parentPortChannel(port: ParentPortLike, proc: ProcessLike): FlashProcessParent {
  let hasLeft = false;
  let isReleased = false;
  const exitWhenBoth = (): void => {
    if (hasLeft && isReleased) proc.exit(0);
  };
  const listeners: ((message: ToFlashTask) => void)[] = [];
  // One port listener that intercepts `release` and hands the rest on (the port queues messages until
  // its first listener, so none is lost before flash-process.ts subscribes).
  port.on('message', ({ data }) => {
    const message = data as ToFlashProcess;
    if (message.type === 'release') {
      isReleased = true;
      exitWhenBoth();
      return;
    }
    for (const listener of listeners) listener(message);
  });
  return {
    post: (message) => port.postMessage(message),
    // postMessage hands the message to the channel before it returns.
    postLast: (message) => {
      port.postMessage(message);
      return Promise.resolve();
    },
    onMessage: (listener) => void listeners.push(listener),
    onGone: () => undefined,
    leave: () => {
      hasLeft = true;
      exitWhenBoth();
    },
  };
}
