import { setPriority } from 'node:os';
import { AppError, toAppError, type SerializedAppError } from '../../../shared/errors';
import type { FlashEndpoint } from '../../core/jobs/flash-endpoint';
import { runFlashTask } from '../../core/jobs/run-flash-task';
import type { Logger } from '../../core/ports/logger';
import { fileFirmwareSource } from './file-firmware-source';
import { connectToParent, type ToFlashTask } from './flash-process-parent';
import { openFlashProcessPorts } from './flash-process-ports';
import { FLASH_PROCESS_NICENESS } from './flash-process-priority';
import type { FlashProcessData, FromFlashProcess } from './flash-process-protocol';

// One flash task (SMP, USB DFU or UF2; run-flash-task.ts routes it) in a process of its own (architecture.md: "Long transfers that own a port run in a
// worker"). A process rather than a worker thread: serialport's native poller cannot run in a worker
// thread (node-serialport#1981, #2748: it calls into V8 from the wrong thread and aborts the process).
// The ledger stays with the station: every checkpoint is a request the station answers once the event
// is committed, so nothing here goes on before its step is recorded.
// The same code runs as a Node child (fork) and as an Electron utility process in the packaged app;
// flash-process-parent.ts hides which channel connects it to the station.

const parent = connectToParent();
yieldCpuToTheStation();
const controller = new AbortController();
const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: AppError) => void }>();
let nextId = 1;
let lastProgressMs = 0;

function post(message: FromFlashProcess): void {
  parent.post(message);
}

function request<T>(message: (id: number) => FromFlashProcess): Promise<T> {
  const id = nextId++;
  return new Promise<T>((resolve, reject) => {
    waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
    post(message(id));
  });
}

parent.onMessage((message: ToFlashTask) => {
  switch (message.type) {
    case 'start':
      void run(message.data);
      return;
    case 'cancel':
      controller.abort(new AppError('CANCELLED', message.message));
      return;
    default: {
      const pending = waiting.get(message.id);
      waiting.delete(message.id);
      if (pending === undefined) return;
      if (message.type === 'located') pending.resolve(message.endpoints);
      else if (message.error === null) pending.resolve(undefined);
      else pending.reject(AppError.fromSerialized(message.error));
    }
  }
});
// The station went away: stop writing to the device at once (the job is recovered from the ledger).
parent.onGone(() => controller.abort(new AppError('JOB_INTERRUPTED', 'The station stopped')));
post({ type: 'ready' });

async function run(data: FlashProcessData): Promise<void> {
  const logger = processLogger({ jobId: data.task.jobId });
  const ports = openFlashProcessPorts(data.task.endpoint, logger);
  try {
    const result = await runFlashTask(
      data.task,
      {
        ...ports.deps,
        firmware: fileFirmwareSource,
        logger,
        ...(data.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: data.requestTimeoutMs }),
        ...(data.reappearTimeoutMs === undefined ? {} : { reappearTimeoutMs: data.reappearTimeoutMs }),
      },
      {
        signal: controller.signal,
        onStep: (step) => post({ type: 'step', step }),
        // At most every 50 ms: a 921600-baud upload confirms ~45 chunks a second.
        onProgress: ({ bytesDone, totalBytes }) => {
          const now = Date.now();
          if (now - lastProgressMs < 50 && bytesDone < totalBytes) return;
          lastProgressMs = now;
          post({ type: 'progress', bytesDone, totalBytes });
        },
        checkpoint: (step, evidence) => request<void>((id) => ({ type: 'checkpoint', id, step, evidence })),
        locate: () => request<FlashEndpoint[]>((id) => ({ type: 'locate', id })),
      },
    );
    await parent.postLast({ type: 'result', result });
  } catch (error: unknown) {
    await parent.postLast({ type: 'failed', error: serialize(toAppError(error)) });
  } finally {
    await ports.close();
  }
  // Nothing is left open (the flash closed its link and its ports): the process may end.
  parent.leave();
}

function serialize(error: AppError): SerializedAppError {
  // Details cross the process boundary as JSON: no functions, no class instances.
  const details =
    error.details === undefined
      ? undefined
      : (JSON.parse(JSON.stringify(error.details)) as Record<string, unknown>);
  return details === undefined
    ? { code: error.code, message: error.message }
    : { code: error.code, message: error.message, details };
}

function processLogger(bindings: Record<string, unknown>): Logger {
  const log =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (fields: Record<string, unknown>, message: string): void => {
      if (level === 'debug') return;
      post({
        type: 'log',
        level,
        fields: JSON.parse(JSON.stringify({ ...bindings, ...fields })) as Record<string, unknown>,
        message,
      });
    };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (more) => processLogger({ ...bindings, ...more }),
  };
}

/** Runs this process below the station in CPU priority (flash-process-priority.ts says why). */
function yieldCpuToTheStation(): void {
  try {
    setPriority(FLASH_PROCESS_NICENESS);
  } catch {
    // Lowering one's own priority is always allowed on Linux, macOS and Windows; nothing to do if not.
  }
}
