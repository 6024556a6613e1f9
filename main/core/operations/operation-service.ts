import { randomUUID } from 'node:crypto';
import type {
  JsonValue,
  OperationError,
  OperationKind,
  OperationStep,
  OperationSummary,
} from '../../../shared/contract';
import { AppError, toAppError } from '../../../shared/errors';
import { isRetryableFailure } from '../jobs/job-failure';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import { findUnfinishedOperations, OperationEvent, type OperationLedger } from './operation-records';
import { StepProgress } from './step-progress';
import { processIsAlive } from '../jobs/process-is-alive';

/** A JSON object of evidence, recorded with the step's checkpoint. */
export type StepEvidence = { [key: string]: JsonValue };

/** What a running step can tell the service. */
export interface StepContext {
  signal: AbortSignal;
  /** Done/total of the step's measure; the UI gets rate and ETA from it, at most every 250 ms. */
  progress: (done: number, total: number, unit?: 'bytes' | 'items') => void;
  /** One line on what the step is doing now. */
  detail: (text: string) => void;
  /** The flash job this step started (the UI links to it). */
  linkJob: (jobId: string) => void;
}

/** How a step ended well: done with evidence, or skipped with the reason (e.g. "already up to date"). */
export type StepOutcome = { evidence?: StepEvidence; detail?: string } | { skipped: string };

export interface OperationStepDefinition {
  name: string;
  label: string;
  run(context: StepContext): Promise<StepOutcome>;
}

export interface StartOperationRequest {
  kind: OperationKind;
  deviceId: string;
  title: string;
  steps: readonly OperationStepDefinition[];
  /** Extra facts recorded in `operation.started` (recipe hash, git commit, operator…). Never secrets. */
  facts?: StepEvidence;
}

export interface OperationServiceOptions {
  ledger: OperationLedger;
  clock: Clock;
  logger: Logger;
  onChanged: (operation: OperationSummary) => void;
  /** Who the ledger names as the actor (default `station`). */
  actor?: string;
  /** At most one progress-only change event per operation per this many ms (default 250). */
  progressIntervalMs?: number;
  /** Whether the process that started an unfinished operation still runs (default: signal 0). */
  isOwnerAlive?: (pid: number) => boolean;
}

interface OperationRecord {
  summary: OperationSummary;
  controller: AbortController;
  done: Promise<OperationSummary>;
  isEnded: boolean;
  lastProgressEmitMs: number;
  pendingProgress: NodeJS.Timeout | undefined;
}

/**
 * Runs operations (provision, enroll, retire) on the main thread, step after step, and keeps the ledger
 * the source of truth about them: `operation.started`, a checkpoint per completed or skipped step, and
 * exactly one terminal event. The steps do the device work (through SMP, the job service…) and record
 * their own domain events (`certificate.enrolled`, `device.retired`…); this service records the frame.
 * One operation per device at a time.
 */
export class OperationService {
  readonly #options: OperationServiceOptions;
  readonly #operations = new Map<string, OperationRecord>();

  constructor(options: OperationServiceOptions) {
    this.#options = options;
  }

  list(): OperationSummary[] {
    return [...this.#operations.values()].map((record) => structuredClone(record.summary));
  }

  get(operationId: string): OperationSummary {
    return structuredClone(this.#record(operationId).summary);
  }

  whenDone(operationId: string): Promise<OperationSummary> {
    return this.#record(operationId).done;
  }

  start(request: StartOperationRequest): OperationSummary {
    if (request.steps.length === 0)
      throw new AppError('INVALID_INPUT', 'An operation needs at least one step');
    this.#refuseBusy(request.deviceId);
    const now = this.#nowIso();
    const summary: OperationSummary = {
      id: randomUUID(),
      kind: request.kind,
      deviceId: request.deviceId,
      title: request.title,
      state: 'queued',
      steps: request.steps.map((step) => ({
        name: step.name,
        label: step.label,
        state: 'pending',
        detail: null,
        progress: null,
      })),
      jobId: null,
      startedAt: now,
      updatedAt: now,
      error: null,
    };
    this.#append(request.deviceId, OperationEvent.started, {
      ...request.facts,
      operationId: summary.id,
      kind: request.kind,
      title: request.title,
      steps: request.steps.map((step) => step.name),
      ownerPid: process.pid,
    });
    let finish: (summary: OperationSummary) => void = () => undefined;
    const record: OperationRecord = {
      summary,
      controller: new AbortController(),
      done: new Promise((resolve) => (finish = resolve)),
      isEnded: false,
      lastProgressEmitMs: 0,
      pendingProgress: undefined,
    };
    this.#operations.set(summary.id, record);
    this.#emit(record);
    void this.#run(record, request.steps).then(() => finish(structuredClone(record.summary)));
    return structuredClone(summary);
  }

  cancel(operationId: string): OperationSummary {
    const record = this.#record(operationId);
    if (!record.isEnded) record.controller.abort(new AppError('CANCELLED', 'Cancelled by the operator'));
    return structuredClone(record.summary);
  }

  /** Operations a crash left unfinished (their process is gone) are recorded failed, `interrupted`. */
  recover(): OperationSummary[] {
    const isOwnerAlive = this.#options.isOwnerAlive ?? processIsAlive;
    const ended: OperationSummary[] = [];
    for (const unfinished of findUnfinishedOperations(this.#options.ledger)) {
      if (this.#operations.has(unfinished.operationId) || isOwnerAlive(unfinished.ownerPid)) continue;
      const error: OperationError = {
        code: 'JOB_INTERRUPTED',
        message: 'The operation stopped when Fieldline stopped; run it again',
        step: 'interrupted',
        isRetryable: true,
      };
      this.#append(unfinished.deviceId, OperationEvent.failed, {
        operationId: unfinished.operationId,
        reason: 'interrupted',
        ...error,
      });
      ended.push({
        id: unfinished.operationId,
        kind: unfinished.kind ?? 'provision',
        deviceId: unfinished.deviceId,
        title: 'interrupted operation',
        state: 'failed',
        steps: [],
        jobId: null,
        startedAt: this.#nowIso(),
        updatedAt: this.#nowIso(),
        error,
      });
    }
    return ended;
  }

  /** Cancels everything still running and waits for each to end. */
  async stop(): Promise<void> {
    const open = [...this.#operations.values()].filter((record) => !record.isEnded);
    for (const record of open) record.controller.abort(new AppError('CANCELLED', 'The station is stopping'));
    await Promise.all(open.map((record) => record.done));
  }

  async #run(record: OperationRecord, steps: readonly OperationStepDefinition[]): Promise<void> {
    const { signal } = record.controller;
    record.summary.state = 'running';
    for (const [index, definition] of steps.entries()) {
      const step = record.summary.steps[index]!;
      try {
        signal.throwIfAborted();
        this.#setStep(record, step, { state: 'running' });
        const outcome = await definition.run(this.#contextFor(record, step));
        signal.throwIfAborted();
        if ('skipped' in outcome) {
          this.#append(record.summary.deviceId, OperationEvent.stepSkipped, {
            operationId: record.summary.id,
            step: step.name,
            reason: outcome.skipped,
          });
          this.#setStep(record, step, { state: 'skipped', detail: outcome.skipped });
        } else {
          this.#append(record.summary.deviceId, OperationEvent.stepCompleted, {
            operationId: record.summary.id,
            step: step.name,
            evidence: outcome.evidence ?? {},
          });
          this.#setStep(record, step, { state: 'done', detail: outcome.detail ?? step.detail });
        }
      } catch (error: unknown) {
        this.#fail(record, step, signal.aborted ? toAppError(signal.reason) : toAppError(error));
        return;
      }
    }
    this.#end(record, OperationEvent.succeeded, { operationId: record.summary.id }, 'succeeded', null);
  }

  #contextFor(record: OperationRecord, step: OperationStep): StepContext {
    const tracker = new StepProgress();
    return {
      signal: record.controller.signal,
      progress: (done, total, unit = 'bytes') => {
        if (record.isEnded) return;
        tracker.update(done, total, this.#options.clock.nowMs());
        step.progress = tracker.snapshot(unit);
        this.#emitProgress(record);
      },
      detail: (text) => this.#setStep(record, step, { detail: text }),
      linkJob: (jobId) => {
        if (record.isEnded) return;
        record.summary.jobId = jobId;
        this.#emit(record);
      },
    };
  }

  #fail(record: OperationRecord, step: OperationStep, error: AppError): void {
    this.#setStep(record, step, { state: 'failed', detail: error.message });
    if (error.code === 'CANCELLED') {
      this.#end(
        record,
        OperationEvent.cancelled,
        { operationId: record.summary.id, step: step.name, reason: error.message },
        'cancelled',
        null,
      );
      return;
    }
    const failure: OperationError = {
      code: error.code,
      message: error.message,
      step: step.name,
      isRetryable: isRetryableFailure(error.code),
    };
    const payload: StepEvidence = { operationId: record.summary.id, ...failure };
    if (error.details !== undefined) payload.details = toJson(error.details);
    this.#end(record, OperationEvent.failed, payload, 'failed', failure);
  }

  #end(
    record: OperationRecord,
    type: string,
    payload: StepEvidence,
    state: OperationSummary['state'],
    error: OperationError | null,
  ): void {
    if (record.isEnded) return;
    try {
      this.#append(record.summary.deviceId, type, payload);
    } catch (appendError: unknown) {
      // The ledger refused the terminal event: the operation stays unfinished there, and recovery ends it.
      this.#options.logger.error(
        { err: appendError, operationId: record.summary.id },
        'could not record the end of an operation',
      );
    }
    record.isEnded = true;
    clearTimeout(record.pendingProgress);
    record.summary.state = state;
    record.summary.error = error;
    this.#emit(record);
  }

  #setStep(record: OperationRecord, step: OperationStep, change: Partial<OperationStep>): void {
    if (record.isEnded) return;
    Object.assign(step, change);
    this.#emit(record);
  }

  #emitProgress(record: OperationRecord): void {
    const interval = this.#options.progressIntervalMs ?? 250;
    const now = this.#options.clock.nowMs();
    if (now - record.lastProgressEmitMs >= interval) {
      this.#emit(record);
      return;
    }
    if (record.pendingProgress !== undefined) return;
    record.pendingProgress = setTimeout(() => {
      record.pendingProgress = undefined;
      if (!record.isEnded) this.#emit(record);
    }, interval);
    record.pendingProgress.unref();
  }

  #emit(record: OperationRecord): void {
    clearTimeout(record.pendingProgress);
    record.pendingProgress = undefined;
    record.lastProgressEmitMs = this.#options.clock.nowMs();
    record.summary.updatedAt = this.#nowIso();
    this.#options.onChanged(structuredClone(record.summary));
  }

  #refuseBusy(deviceId: string): void {
    for (const record of this.#operations.values()) {
      if (!record.isEnded && record.summary.deviceId === deviceId)
        throw new AppError(
          'DEVICE_BUSY',
          `Operation ${record.summary.id} (${record.summary.kind}) is already running on ${deviceId}`,
          { details: { operationId: record.summary.id } },
        );
    }
  }

  #record(operationId: string): OperationRecord {
    const record = this.#operations.get(operationId);
    if (!record)
      throw new AppError('NOT_FOUND', `No operation ${operationId} in this station run`, {
        details: { operationId },
      });
    return record;
  }

  #append(deviceId: string, type: string, payload: StepEvidence): void {
    this.#options.ledger.append({ actor: this.#options.actor ?? 'station', deviceId, type, payload });
  }

  #nowIso(): string {
    return new Date(this.#options.clock.nowMs()).toISOString();
  }
}

function toJson(value: unknown): JsonValue {
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}
