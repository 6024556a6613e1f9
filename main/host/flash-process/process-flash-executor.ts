import { AppError, toAppError } from '../../../shared/errors';
import type { FlashExecutor, FlashTask, FlashTaskHooks, FlashTaskResult } from '../../core/jobs/flash-task';
import type { Logger } from '../../core/ports/logger';
import type { FlashProcessExit, FlashProcessHandle, SpawnFlashProcess } from './flash-process-handle';
import { forkFlashProcess } from './node-fork-flash-process';
import type { FlashProcessData, FromFlashProcess, ToFlashProcess } from './flash-process-protocol';

export interface ProcessFlashExecutorOptions {
  logger: Logger;
  /** How long a cancelled flash process may take to stop before it is killed (a stuck port). */
  cancelGraceMs?: number;
  requestTimeoutMs?: number;
  reappearTimeoutMs?: number;
  /**
   * How a flash process is started; default `forkFlashProcess` (a Node child). The packaged Electron app
   * passes a utility-process spawner (main/app/utility-flash-process.ts): its fuses forbid `fork`.
   */
  spawnFlashProcess?: SpawnFlashProcess;
}

/** A finished flash process ends on its own (a utility process once released); after this it is killed. */
const EXIT_GRACE_MS = 3_000;

interface FlashProcess {
  child: FlashProcessHandle;
  ready: Promise<void>;
  exited: Promise<FlashProcessExit>;
}

/**
 * One process per flash task, hence per port (architecture.md: a stuck device never blocks the others
 * or the UI): serial I/O, SMP framing and CBOR, and the bundle's signature checks all run there, so
 * sixteen uploads cost the station's event loop only their progress messages. A process and not a
 * worker thread, because serialport's native poller aborts inside worker threads (see flash-process.ts).
 * The station keeps the ledger: the process asks for each checkpoint and waits for the answer. A
 * cancelled process gets `cancelGraceMs` to stop cleanly, then SIGKILL. `run` settles only after the
 * process has exited, so none outlives its job. `prewarm` starts processes ahead of jobs (a station does
 * it when ports appear), so a job does not wait for one to load; `close` stops the idle ones.
 */
export class ProcessFlashExecutor implements FlashExecutor {
  readonly #options: ProcessFlashExecutorOptions;
  readonly #idle: FlashProcess[] = [];
  #running = 0;
  #isClosed = false;

  constructor(options: ProcessFlashExecutorOptions) {
    this.#options = options;
  }

  /** Keeps `count` loaded processes waiting for jobs; resolves once they are all ready. */
  async prewarm(count: number): Promise<void> {
    while (this.#idle.length < count) this.#idle.push(this.#spawn());
    await Promise.all(this.#idle.map((process) => process.ready));
  }

  /**
   * Starts one more process when fewer than `target` are loaded or busy, and says whether it did. The
   * station calls it on its tick with the number of connected devices, so a job finds a process ready
   * instead of forking (and loading the flash code) at the moment it starts, and the forks are spread
   * one per tick rather than sixteen at once on the event loop.
   */
  warmOne(target: number): boolean {
    if (this.#isClosed || this.#idle.length + this.#running >= target) return false;
    this.#idle.push(this.#spawn());
    return true;
  }

  async close(): Promise<void> {
    this.#isClosed = true;
    const idle = this.#idle.splice(0);
    for (const process of idle) process.child.kill('stop');
    await Promise.all(idle.map((process) => process.exited));
  }

  async run(task: FlashTask, hooks: FlashTaskHooks): Promise<FlashTaskResult> {
    const process = this.#idle.shift() ?? this.#spawn();
    const { child } = process;
    this.#running += 1;
    const logger = this.#options.logger.child({ jobId: task.jobId, pid: child.pid });
    try {
      return await this.#supervise(process, task, hooks, logger);
    } finally {
      const killer = setTimeout(() => child.kill('force'), EXIT_GRACE_MS);
      await process.exited;
      clearTimeout(killer);
      this.#running -= 1;
    }
  }

  #spawn(): FlashProcess {
    const child = (this.#options.spawnFlashProcess ?? forkFlashProcess)();
    const exited = new Promise<FlashProcessExit>((resolve) => child.onExit(resolve));
    const ready = new Promise<void>((resolve) => {
      const stopListening = child.onMessage((message) => {
        if (message.type !== 'ready') return;
        stopListening();
        resolve();
      });
      void exited.then(() => resolve());
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) =>
      this.#options.logger.warn(
        { pid: child.pid, stderr: text.slice(0, 2_000) },
        'flash process wrote to stderr',
      ),
    );
    const process: FlashProcess = { child, ready, exited };
    // An idle process that dies (killed, out of memory) must not be handed to the next job.
    void exited.then(() => {
      const index = this.#idle.indexOf(process);
      if (index >= 0) this.#idle.splice(index, 1);
    });
    return process;
  }

  #supervise(
    { child, exited }: FlashProcess,
    task: FlashTask,
    hooks: FlashTaskHooks,
    logger: Logger,
  ): Promise<FlashTaskResult> {
    return new Promise<FlashTaskResult>((resolve, reject) => {
      let killTimer: NodeJS.Timeout | undefined;
      let isSettled = false;
      const send = (message: ToFlashProcess): void => child.send(message);
      const settle = (action: () => void): void => {
        if (isSettled) return;
        isSettled = true;
        clearTimeout(killTimer);
        hooks.signal.removeEventListener('abort', onAbort);
        action();
      };
      const onAbort = (): void => {
        const reason = toAppError(hooks.signal.reason, 'CANCELLED');
        send({ type: 'cancel', message: reason.message });
        killTimer = setTimeout(() => {
          logger.warn({}, 'flash process did not stop after cancel; killing it');
          child.kill('force');
          settle(() => reject(new AppError('CANCELLED', `${reason.message} (the flash process was killed)`)));
        }, this.#options.cancelGraceMs ?? 5_000);
      };
      child.onMessage((message: FromFlashProcess) => {
        switch (message.type) {
          case 'ready':
            break;
          case 'step':
            hooks.onStep(message.step);
            break;
          case 'progress':
            hooks.onProgress(message);
            break;
          case 'checkpoint':
            hooks.checkpoint(message.step, message.evidence).then(
              () => send({ type: 'checkpointed', id: message.id, error: null }),
              (error: unknown) =>
                send({ type: 'checkpointed', id: message.id, error: toAppError(error).toJSON() }),
            );
            break;
          case 'locate':
            hooks.locate().then(
              (endpoints) => send({ type: 'located', id: message.id, endpoints }),
              () => send({ type: 'located', id: message.id, endpoints: [] }),
            );
            break;
          case 'log':
            logger[message.level](message.fields, message.message);
            break;
          case 'result':
            send({ type: 'release' });
            settle(() => resolve(message.result));
            break;
          case 'failed':
            send({ type: 'release' });
            settle(() => reject(AppError.fromSerialized(message.error)));
            break;
        }
      });
      // The handle reports the exit only after every message was delivered (flash-process-handle.ts),
      // so an outcome sent just before the process ended is never mistaken for an early exit.
      void exited.then(({ code, signal, error }) =>
        settle(() =>
          reject(
            error === undefined
              ? new AppError(
                  'JOB_INTERRUPTED',
                  `the flash process exited (${signal ?? code}) before it finished`,
                  {
                    details: { exitCode: code, signal },
                  },
                )
              : new AppError('INTERNAL', `flash process failed: ${error.message}`, { cause: error }),
          ),
        ),
      );
      const data: FlashProcessData = {
        task,
        ...(this.#options.requestTimeoutMs === undefined
          ? {}
          : { requestTimeoutMs: this.#options.requestTimeoutMs }),
        ...(this.#options.reappearTimeoutMs === undefined
          ? {}
          : { reappearTimeoutMs: this.#options.reappearTimeoutMs }),
      };
      send({ type: 'start', data });
      if (hooks.signal.aborted) onAbort();
      else hooks.signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
