import type { ForkOptions } from 'electron';
import type {
  FlashProcessExit,
  FlashProcessHandle,
  SpawnFlashProcess,
} from '../host/flash-process/flash-process-handle';
import type { FromFlashProcess, ToFlashProcess } from '../host/flash-process/flash-process-protocol';

/** The parts of Electron's `UtilityProcess` a flash process needs (the stand-in in tests has them too). */
export interface UtilityChild {
  readonly pid: number | undefined;
  readonly stderr: NodeJS.ReadableStream | null;
  postMessage(message: unknown): void;
  kill(): boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

/** Electron's `utilityProcess` module, or a stand-in with the same `fork`. */
export interface UtilityProcessModule {
  fork(modulePath: string, args?: string[], options?: ForkOptions): UtilityChild;
}

/** Where the bundled flash process lies: beside main.cjs (scripts/build-electron.mjs). */
export const FLASH_PROCESS_BUNDLE = 'flash-process.cjs';

/**
 * The spawner the packaged app gives the station runtime: each flash process is an Electron utility
 * process running the bundled flash-process.cjs. `child_process.fork` cannot work there: it would
 * start the Electron binary as Node, which the `runAsNode: false` fuse forbids (electron-builder.yml).
 * Stdout is ignored as for a forked process (the flash process logs over its channel; an unread pipe
 * could fill and block it); stderr is piped so the executor logs what a crash prints.
 */
export function utilityFlashProcessSpawner(
  utilityProcess: UtilityProcessModule,
  modulePath: string,
): SpawnFlashProcess {
  return () =>
    utilityChildHandle(
      utilityProcess.fork(modulePath, [], {
        serviceName: 'Fieldline flash',
        stdio: ['ignore', 'ignore', 'pipe'],
      }),
    );
}

function utilityChildHandle(child: UtilityChild): FlashProcessHandle {
  let exit: FlashProcessExit | null = null;
  const exitListeners: ((exit: FlashProcessExit) => void)[] = [];
  // A utility process reports only an exit code ('error' is followed by 'exit' anyway). It exits only
  // once the executor has its outcome (the `release` message), so no outcome can arrive after this.
  child.on('exit', (code) => {
    if (exit !== null) return;
    exit = { code, signal: null };
    for (const listener of exitListeners.splice(0)) listener(exit);
  });
  return {
    get pid() {
      return exit === null ? child.pid : undefined;
    },
    stderr: child.stderr,
    send(message: ToFlashProcess) {
      if (exit === null) child.postMessage(message);
    },
    onMessage(listener: (message: FromFlashProcess) => void) {
      const onMessage = (message: unknown): void => listener(message as FromFlashProcess);
      child.on('message', onMessage);
      return () => child.off('message', onMessage);
    },
    onExit(listener) {
      if (exit === null) exitListeners.push(listener);
      else listener(exit);
    },
    kill(how) {
      // utilityProcess.kill() only sends SIGTERM; a process stuck in a port's native call gets SIGKILL.
      const { pid } = child;
      if (how === 'force' && pid !== undefined && exit === null) killHard(pid);
      else child.kill();
    },
  };
}

function killHard(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // It had exited already: its 'exit' event is on its way.
  }
}
