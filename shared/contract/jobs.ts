import { z } from 'zod';
import { ERROR_CODES } from '../errors/error-codes';
import { emptyInput } from './app';
import { defineCommand, defineEvent } from './define';

/** Where a job stands; the last four are terminal (each job ends in exactly one, recorded in the ledger). */
export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'reverted', 'cancelled'] as const;
export const jobStateSchema = z.enum(JOB_STATES);
export type JobState = z.infer<typeof jobStateSchema>;

/**
 * The steps of a flash job, in order (verify bundle → flash → verify → test/confirm). Each one that
 * completes is checkpointed in the ledger as `job.step-completed`.
 */
export const JOB_STEPS = [
  'queued',
  'connect',
  'read-device',
  'verify-bundle',
  'upload',
  'verify-upload',
  'mark-test',
  'test-reset',
  'device-back',
  'health-check',
  'revert-reset',
  'confirm',
  'done',
] as const;
export const jobStepSchema = z.enum(JOB_STEPS);
export type JobStep = z.infer<typeof jobStepSchema>;

export const jobErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  /** The step that failed. */
  step: jobStepSchema,
  /** True when running the job again may succeed (a lost link, an interruption); false for a refused bundle. */
  isRetryable: z.boolean(),
});
export type JobError = z.infer<typeof jobErrorSchema>;

export const jobSummarySchema = z.object({
  id: z.string(),
  kind: z.literal('flash'),
  deviceId: z.string(),
  /** Where the job reaches the device, e.g. `serial:/dev/ttyACM0` or `udp:10.0.0.7:1337`. */
  address: z.string(),
  state: jobStateSchema,
  step: jobStepSchema,
  bundlePath: z.string(),
  /** The version being installed, once the bundle is verified. */
  firmwareVersion: z.string().nullable(),
  startedAt: z.string(),
  updatedAt: z.string(),
  error: jobErrorSchema.nullable(),
});
export type JobSummary = z.infer<typeof jobSummarySchema>;

export const jobProgressSchema = z.object({
  jobId: z.string(),
  deviceId: z.string(),
  step: jobStepSchema,
  bytesDone: z.number().int().nonnegative(),
  totalBytes: z.number().int().nonnegative(),
  /** Smoothed over the last few seconds; 0 before the first bytes land. */
  bytesPerSecond: z.number().nonnegative(),
  /** Seconds left at the current rate; null while unknown. */
  etaSeconds: z.number().nonnegative().nullable(),
});
export type JobProgress = z.infer<typeof jobProgressSchema>;

export const jobsStart = defineCommand({
  name: 'jobs:start',
  input: z
    .object({
      deviceId: z.string().min(1).max(200),
      /** A signed firmware bundle (.fwb) on the station's disk. */
      bundlePath: z.string().min(1).max(4096),
      /** The device's hardware revision when it cannot tell it itself; `A` when absent. */
      hardwareRevision: z.string().min(1).max(32).optional(),
    })
    .strict(),
  output: z.object({ job: jobSummarySchema }),
  doc: 'Starts flashing a device with a bundle: verify bundle, flash, verify, test and confirm.',
});

export const jobsCancel = defineCommand({
  name: 'jobs:cancel',
  input: z.object({ jobId: z.string().min(1).max(100) }).strict(),
  output: z.object({ job: jobSummarySchema }),
  doc: 'Cancels a queued or running job; it ends recorded as cancelled, naming the step it stopped at.',
});

export const jobsList = defineCommand({
  name: 'jobs:list',
  input: emptyInput,
  output: z.object({ jobs: z.array(jobSummarySchema) }),
  doc: 'The jobs of this station run: queued, running and finished ones.',
});

export const jobsProgress = defineEvent({
  name: 'jobs:progress',
  payload: z.object({ jobs: z.array(jobProgressSchema) }),
  doc: 'Bytes done, rate and ETA of running jobs; one batched event at most every 250 ms, however many jobs run.',
});

export const jobsChanged = defineEvent({
  name: 'jobs:changed',
  payload: z.object({ job: jobSummarySchema }),
  doc: 'A job was queued, moved to another step, or ended.',
});
