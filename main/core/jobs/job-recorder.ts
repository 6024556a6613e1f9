import {
  JOB_STEPS,
  type JobError,
  type JobStep,
  type JobSummary,
  type JsonValue,
} from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { FlashTaskResult, StepEvidence } from './flash-task';
import { isRetryableFailure } from './job-failure';
import { JobEvent, type JobLedger, type JobStartedPayload } from './job-records';

/** How a job ended, before it is written down. */
export type JobEnding =
  | { kind: 'result'; result: FlashTaskResult }
  | { kind: 'cancelled'; reason: string }
  | { kind: 'error'; error: AppError };

/** What a job's summary becomes once its ending is recorded. */
export type EndedSummary = Pick<JobSummary, 'state' | 'step' | 'error' | 'firmwareVersion'>;

/**
 * Writes a job's ledger events (job-records.ts lists them): the start, checkpoints, and for each ending
 * exactly one terminal event, preceded by `firmware.flashed` only when the device reported the verified
 * image running and confirmed, or by `firmware.reverted` with its evidence.
 */
export class JobRecorder {
  readonly #ledger: JobLedger;
  readonly #actor: string;

  constructor(ledger: JobLedger, actor: string) {
    this.#ledger = ledger;
    this.#actor = actor;
  }

  started(deviceId: string, payload: JobStartedPayload): void {
    this.#append(deviceId, JobEvent.started, payload as unknown as JsonValue);
  }

  resumed(deviceId: string, jobId: string, fromStep: string): void {
    this.#append(deviceId, JobEvent.resumed, { jobId, fromStep, ownerPid: process.pid });
  }

  stepCompleted(deviceId: string, jobId: string, step: JobStep, evidence: StepEvidence): void {
    this.#append(deviceId, JobEvent.stepCompleted, { jobId, step, evidence });
  }

  /** A job a crash left unfinished, ended without running it again. */
  interrupted(deviceId: string, jobId: string, lastStep: string): JobError {
    const step = toJobStep(lastStep);
    const error: JobError = {
      code: 'JOB_INTERRUPTED',
      message: `The job stopped at ${step} when Fieldline stopped; run it again to resume`,
      step,
      isRetryable: true,
    };
    this.#append(deviceId, JobEvent.failed, { jobId, reason: 'interrupted', ...error });
    return error;
  }

  ended(summary: JobSummary, ending: JobEnding): EndedSummary {
    const { id: jobId, deviceId } = summary;
    if (ending.kind === 'cancelled') {
      this.#append(deviceId, JobEvent.cancelled, { jobId, step: summary.step, reason: ending.reason });
      return { ...summary, state: 'cancelled' };
    }
    if (ending.kind === 'error') return this.#failed(summary, ending.error);
    const { result } = ending;
    const firmware = {
      jobId,
      firmwareVersion: result.bundle.version,
      imageHash: result.evidence.imageHash,
      bundleSha256: result.bundle.bundleSha256,
      product: result.bundle.product,
      securityCounter: result.bundle.securityCounter,
      ...(result.device.model === null ? {} : { model: result.device.model }),
      ...(result.device.serial === null ? {} : { serial: result.device.serial }),
      hardwareId: result.device.hardwareId,
      evidence: result.evidence as unknown as JsonValue,
    };
    if (result.kind === 'reverted') {
      this.#append(deviceId, JobEvent.firmwareReverted, {
        ...firmware,
        reason: result.reason,
        detail: result.detail,
      });
      const error: JobError = {
        code: 'FLASH_REVERTED',
        message: `Reverted: ${result.detail}`,
        step: summary.step,
        isRetryable: result.reason === 'reset-before-confirm',
      };
      this.#append(deviceId, JobEvent.failed, { jobId, reason: result.reason, ...error });
      return { ...summary, state: 'reverted', error };
    }
    // Nothing is recorded as flashed unless the device itself reports the verified image as confirmed.
    if (result.evidence.verifiedHash !== result.evidence.imageHash) {
      return this.#failed(
        summary,
        new AppError(
          'FIRMWARE_VERIFY_FAILED',
          'The device did not report the verified image as running and confirmed',
          {
            details: { step: 'confirm' },
          },
        ),
      );
    }
    this.#append(deviceId, JobEvent.firmwareFlashed, firmware);
    this.#append(deviceId, JobEvent.succeeded, { jobId, firmwareVersion: result.bundle.version });
    return { ...summary, state: 'succeeded', step: 'done', firmwareVersion: result.bundle.version };
  }

  #failed(summary: JobSummary, error: AppError): EndedSummary {
    const step = toJobStep(typeof error.details?.step === 'string' ? error.details.step : summary.step);
    const jobError = jobErrorOf(error, step);
    this.#append(summary.deviceId, JobEvent.failed, {
      jobId: summary.id,
      reason: 'error',
      isBeforeWrite: error.details?.isBeforeWrite === true,
      ...jobError,
    });
    return { ...summary, state: 'failed', step, error: jobError };
  }

  #append(deviceId: string, type: string, payload: JsonValue): void {
    this.#ledger.append({ actor: this.#actor, deviceId, type, payload });
  }
}

export function jobErrorOf(error: AppError, step: JobStep): JobError {
  return { code: error.code, message: error.message, step, isRetryable: isRetryableFailure(error.code) };
}

function toJobStep(step: string): JobStep {
  return (JOB_STEPS as readonly string[]).includes(step) ? (step as JobStep) : 'connect';
}
