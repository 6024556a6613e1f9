import { randomUUID } from 'node:crypto';
import type { JobProgress, JobStep, JobSummary } from '../../../shared/contract';
import { AppError, toAppError } from '../../../shared/errors';
import { FRESH_FLASH_MEMORY, type SmpFlashMemory } from '../drivers/smp/smp-flasher-plan';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import type { DeviceLocator } from './device-locator';
import {
  describeFlashEndpoint,
  protocolOfEndpoint,
  type FlashEndpoint,
  type FlashProtocol,
} from './flash-endpoint';
import type { FlashExecutor, FlashTask, StepEvidence } from './flash-task';
import { ProgressBatcher, ProgressTracker } from './job-progress';
import { jobErrorOf, JobRecorder, type JobEnding } from './job-recorder';
import {
  findUnfinishedJobs,
  ledgerSecurityCounter,
  type JobLedger,
  type JobStartedPayload,
  type UnfinishedJob,
} from './job-records';
import { JobSlots } from './job-slots';
import { processIsAlive } from './process-is-alive';

export interface JobServiceOptions {
  ledger: JobLedger;
  /** Null in tools that cannot flash: starting a job then fails with NOT_IMPLEMENTED. */
  executor: FlashExecutor | null;
  locator: DeviceLocator;
  clock: Clock;
  logger: Logger;
  onChanged: (job: JobSummary) => void;
  onProgress: (jobs: JobProgress[]) => void;
  /** Who the ledger names as the actor, e.g. `station` or `cli:alice`. */
  actor?: string;
  /** Jobs running at once across the station (default 16); the rest wait, queued. */
  maxParallelJobs?: number;
  /** At most one `jobs:progress` event per this many ms (default 250). */
  progressIntervalMs?: number;
  /**
   * Whether the process that owns an unfinished job still runs (default: `process.kill(pid, 0)`, which
   * counts this process as alive: a job this process started belongs to the service that started it).
   */
  isOwnerAlive?: (pid: number) => boolean;
  /**
   * The protocols a bundle's images are for, read from its manifest without verifying it (that happens
   * in the task, before any byte is written); null when it cannot be read. Only used to choose among the
   * transports of a device seen several ways (an SMP device whose bootloader is also on USB DFU).
   */
  bundleProtocols?: (bundlePath: string) => readonly FlashProtocol[] | null;
}

export interface StartJobRequest {
  deviceId: string;
  bundlePath: string;
  hardwareRevision?: string;
  /** Where to reach the device (its kind picks the protocol); default: where discovery sees it now. */
  endpoint?: FlashEndpoint;
  trustStorePath?: string | null;
}

interface JobRecord {
  summary: JobSummary;
  task: FlashTask;
  controller: AbortController;
  progress: ProgressTracker;
  done: Promise<JobSummary>;
  finish: (summary: JobSummary) => void;
  isEnded: boolean;
}

/**
 * Runs flash jobs (verify bundle → flash → verify → test/confirm) and keeps the ledger the single
 * source of truth about them: `job.started`, a `job.step-completed` checkpoint per step (written by
 * the main thread, before the task goes on), `firmware.flashed` only with the hash read back from the
 * device, and exactly one terminal event per job (`job.succeeded`, `job.failed` with a retryable flag,
 * or `job.cancelled`). One job per port at a time, at most `maxParallelJobs` at once; progress is
 * batched for the UI. After a crash, `recover` ends every unfinished job: resumed, or failed
 * `interrupted`.
 */
export class JobService {
  readonly #options: JobServiceOptions;
  readonly #jobs = new Map<string, JobRecord>();
  readonly #slots: JobSlots;
  readonly #batcher: ProgressBatcher;
  readonly #recorder: JobRecorder;

  constructor(options: JobServiceOptions) {
    this.#options = options;
    this.#slots = new JobSlots(options.maxParallelJobs ?? 16);
    this.#batcher = new ProgressBatcher(options.progressIntervalMs ?? 250, options.onProgress);
    this.#recorder = new JobRecorder(options.ledger, options.actor ?? 'station');
  }

  list(): JobSummary[] {
    return [...this.#jobs.values()].map((record) => ({ ...record.summary }));
  }

  get(jobId: string): JobSummary {
    return { ...this.#record(jobId).summary };
  }

  /** Resolves with the job's summary once it has ended (its terminal event is in the ledger). */
  whenDone(jobId: string): Promise<JobSummary> {
    return this.#record(jobId).done;
  }

  start(request: StartJobRequest): JobSummary {
    const executor = this.#requireExecutor();
    const located = this.#options.locator.locate(request.deviceId);
    const endpoint = request.endpoint ?? this.#chooseEndpoint(located.endpoints, request.bundlePath);
    if (endpoint === undefined) {
      throw new AppError(
        'NOT_FOUND',
        `Device ${request.deviceId} is not seen on any serial port, network address, USB bus or UF2 drive`,
        {
          details: { deviceId: request.deviceId },
        },
      );
    }
    const address = describeFlashEndpoint(endpoint);
    this.#refuseBusy(request.deviceId, address);
    const payload: JobStartedPayload = {
      jobId: randomUUID(),
      kind: 'flash',
      address,
      endpoint,
      expectedHardwareId: located.hardwareId,
      bundlePath: request.bundlePath,
      trustStorePath: request.trustStorePath ?? null,
      hardwareRevision: request.hardwareRevision ?? 'A',
      ownerPid: process.pid,
    };
    this.#recorder.started(request.deviceId, payload);
    return this.#launch(executor, request.deviceId, payload, FRESH_FLASH_MEMORY, 'queued');
  }

  /** Cancels a queued or running job; a job that already ended is returned as it is. */
  cancel(jobId: string): JobSummary {
    const record = this.#record(jobId);
    if (!record.isEnded) record.controller.abort(new AppError('CANCELLED', 'Cancelled by the operator'));
    return { ...record.summary };
  }

  /**
   * Ends every job the ledger shows started but not ended, whose owner process is gone: with `resume`
   * (and an executor) it runs again from its checkpoints, keeping its id; otherwise it is recorded
   * failed with reason `interrupted`. Either way it ends in exactly one terminal event.
   */
  recover(options: {
    resume: boolean | ((job: { deviceId: string; bundlePath: string }) => boolean);
  }): JobSummary[] {
    const isOwnerAlive = this.#options.isOwnerAlive ?? processIsAlive;
    const recovered: JobSummary[] = [];
    for (const job of findUnfinishedJobs(this.#options.ledger)) {
      // A job whose owner still runs (this process included: another core may hold it) is not ours to end.
      if (this.#jobs.has(job.payload.jobId) || isOwnerAlive(job.payload.ownerPid)) continue;
      const { resume } = options;
      const deviceId = job.event.deviceId!;
      const isResumed =
        typeof resume === 'function' ? resume({ deviceId, bundlePath: job.payload.bundlePath }) : resume;
      recovered.push(this.#recoverOne(job, isResumed));
    }
    return recovered;
  }

  /** Cancels everything still running and waits until each job has ended. */
  async stop(): Promise<void> {
    const open = [...this.#jobs.values()].filter((record) => !record.isEnded);
    for (const record of open) record.controller.abort(new AppError('CANCELLED', 'The station is stopping'));
    await Promise.all(open.map((record) => record.done));
    this.#batcher.stop();
    await this.#options.executor?.close?.();
  }

  #recoverOne(job: UnfinishedJob, resume: boolean): JobSummary {
    const deviceId = job.event.deviceId!;
    const executor = this.#options.executor;
    if (resume && executor !== null) {
      this.#recorder.resumed(deviceId, job.payload.jobId, job.lastStep);
      return this.#launch(executor, deviceId, job.payload, job.memory, 'queued');
    }
    const error = this.#recorder.interrupted(deviceId, job.payload.jobId, job.lastStep);
    const summary: JobSummary = {
      ...this.#summaryFor(job.payload, deviceId, this.#nowIso()),
      state: 'failed',
      step: error.step,
      error,
    };
    const record = this.#newRecord(summary, this.#taskFor(job.payload, deviceId, job.memory));
    record.isEnded = true;
    record.finish(summary);
    this.#jobs.set(summary.id, record);
    this.#options.onChanged({ ...summary });
    return { ...summary };
  }

  #launch(
    executor: FlashExecutor,
    deviceId: string,
    payload: JobStartedPayload,
    memory: SmpFlashMemory,
    step: JobStep,
  ): JobSummary {
    const summary = { ...this.#summaryFor(payload, deviceId, this.#nowIso()), step };
    const record = this.#newRecord(summary, this.#taskFor(payload, deviceId, memory));
    this.#jobs.set(summary.id, record);
    this.#options.onChanged({ ...summary });
    void this.#run(executor, record);
    return { ...summary };
  }

  async #run(executor: FlashExecutor, record: JobRecord): Promise<void> {
    const { signal } = record.controller;
    try {
      await this.#slots.acquire(signal);
    } catch (error: unknown) {
      this.#end(record, { kind: 'error', error: toAppError(error) });
      return;
    }
    try {
      this.#update(record, { state: 'running', step: 'connect' });
      const result = await executor.run(record.task, {
        signal,
        onStep: (step) => this.#update(record, { step }),
        onProgress: ({ bytesDone, totalBytes }) => {
          record.progress.bytes(bytesDone, totalBytes, this.#options.clock.nowMs());
          this.#batcher.touched(record.summary.id, record.progress);
        },
        checkpoint: (step, evidence) => Promise.resolve(this.#checkpoint(record, step, evidence)),
        locate: () => Promise.resolve(this.#options.locator.locate(record.summary.deviceId).endpoints),
      });
      this.#end(record, { kind: 'result', result });
    } catch (error: unknown) {
      this.#end(record, { kind: 'error', error: toAppError(error) });
    } finally {
      this.#slots.release();
    }
  }

  #checkpoint(record: JobRecord, step: JobStep, evidence: StepEvidence): void {
    if (record.isEnded) throw new AppError('CANCELLED', 'The job already ended');
    this.#recorder.stepCompleted(record.summary.deviceId, record.summary.id, step, evidence);
    const version =
      step === 'verify-bundle' && typeof evidence.version === 'string' ? evidence.version : null;
    this.#update(record, version === null ? { step } : { step, firmwareVersion: version });
  }

  /** Writes the job's one terminal event (and the firmware event with its evidence) and tells the UI. */
  #end(record: JobRecord, ending: JobEnding): void {
    if (record.isEnded) return;
    this.#batcher.flush();
    const recorded: JobEnding =
      ending.kind === 'error' && record.controller.signal.aborted
        ? { kind: 'cancelled', reason: ending.error.message }
        : ending;
    try {
      record.summary = { ...record.summary, ...this.#recorder.ended(record.summary, recorded) };
    } catch (error: unknown) {
      // The ledger refused the terminal event: the job stays unfinished there, so recovery ends it later.
      this.#options.logger.error(
        { err: error, jobId: record.summary.id },
        'could not record the end of a job',
      );
      record.summary = {
        ...record.summary,
        state: 'failed',
        error: jobErrorOf(toAppError(error), record.summary.step),
      };
    }
    record.isEnded = true;
    record.summary = { ...record.summary, updatedAt: this.#nowIso() };
    this.#options.onChanged({ ...record.summary });
    record.finish({ ...record.summary });
  }

  #update(record: JobRecord, change: Partial<JobSummary>): void {
    if (record.isEnded) return;
    const next = { ...record.summary, ...change };
    if (
      next.step === record.summary.step &&
      next.state === record.summary.state &&
      next.firmwareVersion === record.summary.firmwareVersion
    )
      return;
    record.summary = { ...next, updatedAt: this.#nowIso() };
    record.progress.step(record.summary.step);
    this.#options.onChanged({ ...record.summary });
  }

  /** The first endpoint whose protocol the bundle has an image for; the first one when that is unknown. */
  #chooseEndpoint(endpoints: readonly FlashEndpoint[], bundlePath: string): FlashEndpoint | undefined {
    const protocols = new Set(endpoints.map(protocolOfEndpoint));
    if (protocols.size < 2 || this.#options.bundleProtocols === undefined) return endpoints[0];
    const wanted = this.#options.bundleProtocols(bundlePath) ?? [];
    return endpoints.find((endpoint) => wanted.includes(protocolOfEndpoint(endpoint))) ?? endpoints[0];
  }

  #refuseBusy(deviceId: string, address: string): void {
    for (const record of this.#jobs.values()) {
      if (record.isEnded) continue;
      if (record.summary.deviceId === deviceId || record.summary.address === address) {
        throw new AppError(
          'DEVICE_BUSY',
          `Job ${record.summary.id} is already flashing ${record.summary.deviceId} at ${record.summary.address}`,
          {
            details: { jobId: record.summary.id },
          },
        );
      }
    }
  }

  #taskFor(payload: JobStartedPayload, deviceId: string, memory: SmpFlashMemory): FlashTask {
    return {
      jobId: payload.jobId,
      deviceId,
      endpoint: payload.endpoint,
      expectedHardwareId: payload.expectedHardwareId,
      bundlePath: payload.bundlePath,
      trustStorePath: payload.trustStorePath,
      hardwareRevision: payload.hardwareRevision,
      ledgerSecurityCounter: ledgerSecurityCounter(this.#options.ledger, deviceId),
      nowIso: this.#nowIso(),
      memory: { ...memory },
    };
  }

  #summaryFor(payload: JobStartedPayload, deviceId: string, now: string): JobSummary {
    return {
      id: payload.jobId,
      kind: 'flash',
      deviceId,
      address: payload.address,
      state: 'queued',
      step: 'queued',
      bundlePath: payload.bundlePath,
      firmwareVersion: null,
      startedAt: now,
      updatedAt: now,
      error: null,
    };
  }

  #newRecord(summary: JobSummary, task: FlashTask): JobRecord {
    let finish: (summary: JobSummary) => void = () => undefined;
    const done = new Promise<JobSummary>((resolve) => (finish = resolve));
    return {
      summary,
      task,
      controller: new AbortController(),
      progress: new ProgressTracker(summary.id, summary.deviceId),
      done,
      finish,
      isEnded: false,
    };
  }

  #record(jobId: string): JobRecord {
    const record = this.#jobs.get(jobId);
    if (!record)
      throw new AppError('NOT_FOUND', `No job ${jobId} in this station run`, { details: { jobId } });
    return record;
  }

  #requireExecutor(): FlashExecutor {
    if (this.#options.executor === null)
      throw new AppError('NOT_IMPLEMENTED', 'This tool cannot run flash jobs');
    return this.#options.executor;
  }

  #nowIso(): string {
    return new Date(this.#options.clock.nowMs()).toISOString();
  }
}
