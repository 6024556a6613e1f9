import type { FromFlashProcess, ToFlashProcess } from './flash-process-protocol';

/** How a flash process ended: an exit code or a signal, or an error starting or reaching it. */
export interface FlashProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

/**
 * The station's side of one flash process, whatever started it: a Node child (`child_process.fork`,
 * node-fork-flash-process.ts) in the CLI, the headless station and tests, or an Electron utility process
 * (main/app/utility-flash-process.ts) in the packaged app, where the run-as-node fuse forbids a fork.
 */
export interface FlashProcessHandle {
  /** Undefined when the process could not be started or has exited. */
  readonly pid: number | undefined;
  /** Delivers a message; dropped once the process has left its channel or exited. */
  send(message: ToFlashProcess): void;
  /** Every message the process sends; returns what stops listening. */
  onMessage(listener: (message: FromFlashProcess) => void): () => void;
  /**
   * Called once when the process has ended. For a forked process, only after every message it sent has
   * been delivered; a utility process ends only after its outcome arrived (the `release` message).
   */
  onExit(listener: (exit: FlashProcessExit) => void): void;
  /** `stop` asks the process to end (SIGTERM); `force` ends it at once (SIGKILL), for a stuck port. */
  kill(how: 'stop' | 'force'): void;
  /** What the process writes to stderr (logged by the executor), or null when it is not piped. */
  readonly stderr: NodeJS.ReadableStream | null;
}

/** Starts one flash process, which loads and then sends `ready`. */
export type SpawnFlashProcess = () => FlashProcessHandle;
