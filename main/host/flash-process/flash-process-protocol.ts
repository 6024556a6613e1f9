import type { JobStep } from '../../../shared/contract';
import type { SerializedAppError } from '../../../shared/errors';
import type { FlashEndpoint } from '../../core/jobs/flash-endpoint';
import type { FlashTask, FlashTaskResult, StepEvidence } from '../../core/jobs/flash-task';

/** What the flash process is started with (its first message). */
export interface FlashProcessData {
  task: FlashTask;
  requestTimeoutMs?: number;
  reappearTimeoutMs?: number;
}

/** Station → flash process, over its channel (IPC of a forked process, or a utility process's parentPort). */
export type ToFlashProcess =
  | { type: 'start'; data: FlashProcessData }
  | { type: 'cancel'; message: string }
  | { type: 'checkpointed'; id: number; error: SerializedAppError | null }
  | { type: 'located'; id: number; endpoints: FlashEndpoint[] }
  /**
   * The outcome arrived: the process may end. A forked process leaves on its own by closing its IPC
   * channel; an Electron utility process cannot close its parentPort and does not end by itself, so it
   * exits on this, which also means its exit can never overtake its outcome (flash-process-parent.ts).
   */
  | { type: 'release' };

/** Flash process → station. */
export type FromFlashProcess =
  /** Loaded and waiting for `start` (a warm process costs a job no start-up time). */
  | { type: 'ready' }
  | { type: 'step'; step: JobStep }
  | { type: 'progress'; bytesDone: number; totalBytes: number }
  | { type: 'checkpoint'; id: number; step: JobStep; evidence: StepEvidence }
  | { type: 'locate'; id: number }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; fields: Record<string, unknown>; message: string }
  | { type: 'result'; result: FlashTaskResult }
  | { type: 'failed'; error: SerializedAppError };
