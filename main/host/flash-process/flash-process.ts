import { AppError, toAppError, type SerializedAppError } from '../../../shared/errors';
import { SerialportPorts } from '../../adapters/serial/serialport-ports';
import { NodeDatagramNetwork } from '../../adapters/udp/node-datagram-network';
import type { SmpEndpoint } from '../../core/drivers/smp/smp-flasher-link';
import { runSmpFlashTask } from '../../core/jobs/run-smp-flash-task';
import type { Logger } from '../../core/ports/logger';
import { fileFirmwareSource } from './file-firmware-source';
import type { FlashProcessData, FromFlashProcess, ToFlashProcess } from './flash-process-protocol';

// One flash task in a process of its own (architecture.md: "Long transfers that own a port run in a
// worker"). A process rather than a worker thread: serialport's native poller cannot run in a worker
// thread (node-serialport#1981, #2748: it calls into V8 from the wrong thread and aborts the process).
// The ledger stays with the station: every checkpoint is a request the station answers once the event
// is committed, so nothing here goes on before its step is recorded.

if (process.send === undefined) throw new Error('flash-process.ts runs only as a forked flash process');
const controller = new AbortController();
const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: AppError) => void }>();
let nextId = 1;
let lastProgressMs = 0;

function post(message: FromFlashProcess): void {
  process.send?.(message);
}

function request<T>(message: (id: number) => FromFlashProcess): Promise<T> {
  const id = nextId++;
  return new Promise<T>((resolve, reject) => {
    waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
    post(message(id));
  });
}

process.on('message', (message: ToFlashProcess) => {
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
process.on('disconnect', () => controller.abort(new AppError('JOB_INTERRUPTED', 'The station stopped')));
post({ type: 'ready' });

async function run(data: FlashProcessData): Promise<void> {
  try {
    const result = await runSmpFlashTask(
      data.task,
      {
        ports: { serialPorts: new SerialportPorts(), datagrams: new NodeDatagramNetwork() },
        firmware: fileFirmwareSource,
        logger: processLogger({ jobId: data.task.jobId }),
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
        locate: () => request<SmpEndpoint[]>((id) => ({ type: 'locate', id })),
      },
    );
    await postLast({ type: 'result', result });
  } catch (error: unknown) {
    await postLast({ type: 'failed', error: serialize(toAppError(error)) });
  }
  // Nothing is left open (the flash closed its link): leaving the channel lets the process exit.
  process.disconnect?.();
}

/** Sends the outcome and waits until it is handed to the channel, so leaving it cannot lose it. */
function postLast(message: FromFlashProcess): Promise<void> {
  return new Promise((resolve) => {
    if (process.send === undefined || !process.connected) resolve();
    else process.send(message, undefined, {}, () => resolve());
  });
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
