import { fork, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { FlashProcessExit, FlashProcessHandle } from './flash-process-handle';
import type { FromFlashProcess, ToFlashProcess } from './flash-process-protocol';
import { FLASH_PROCESS_NICENESS } from './flash-process-priority';

const BOOT_PATH = fileURLToPath(new URL('./flash-process-boot.mjs', import.meta.url));

/**
 * The default way to start a flash process: a Node child running flash-process-boot.mjs (tsx, then
 * flash-process.ts). Structured-clone serialization, as an Electron utility process uses, so both carry
 * the same messages. Stdout is ignored (the process logs over IPC); stderr is piped for the executor.
 */
export function forkFlashProcess(): FlashProcessHandle {
  const child = fork(BOOT_PATH, [], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  // Below the station from the first instruction: loading the flash code (tsx compiles it) is the most
  // CPU a flash process uses, and the station's event loop must not wait for it. The process lowers
  // itself too (flash-process.ts), which is what an Electron utility process relies on.
  if (child.pid !== undefined) lowerPriority(child.pid);
  return childProcessHandle(child);
}

function lowerPriority(pid: number): void {
  try {
    setPriority(pid, FLASH_PROCESS_NICENESS);
  } catch {
    // The child may already have exited; it then has no priority to lower.
  }
}

/** A `child_process` child with an IPC channel, as a flash process handle. */
export function childProcessHandle(child: ChildProcess): FlashProcessHandle {
  let exit: FlashProcessExit | null = null;
  const exitListeners: ((exit: FlashProcessExit) => void)[] = [];
  const end = (ended: FlashProcessExit): void => {
    if (exit !== null) return;
    exit = ended;
    for (const listener of exitListeners.splice(0)) listener(ended);
  };
  // 'close', not 'exit': it comes after the IPC channel has delivered every message, so an outcome sent
  // just before the process ended is never mistaken for an early exit. 'error': it could not be started.
  child.once('close', (code: number | null, signal: NodeJS.Signals | null) => end({ code, signal }));
  child.once('error', (error) => end({ code: null, signal: null, error }));
  return {
    get pid() {
      return exit === null ? child.pid : undefined;
    },
    stderr: child.stderr,
    send(message: ToFlashProcess) {
      if (child.connected) child.send(message);
    },
    onMessage(listener: (message: FromFlashProcess) => void) {
      child.on('message', listener);
      return () => child.off('message', listener);
    },
    onExit(listener) {
      if (exit === null) exitListeners.push(listener);
      else listener(exit);
    },
    kill(how) {
      child.kill(how === 'force' ? 'SIGKILL' : 'SIGTERM');
    },
  };
}
