import type { JobStep } from '../../../shared/contract';
import type { SerializedAppError } from '../../../shared/errors';
import type { SmpEndpoint } from '../../core/drivers/smp/smp-flasher-link';
import type { FlashTask, FlashTaskResult, StepEvidence } from '../../core/jobs/flash-task';

/** What the flash process is started with (its first message). */
export interface FlashProcessData {
  task: FlashTask;
  requestTimeoutMs?: number;
  reappearTimeoutMs?: number;
}

/** Station → flash process, over the IPC channel. */
export type ToFlashProcess =
  | { type: 'start'; data: FlashProcessData }
  | { type: 'cancel'; message: string }
  | { type: 'checkpointed'; id: number; error: SerializedAppError | null }
  | { type: 'located'; id: number; endpoints: SmpEndpoint[] };

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
