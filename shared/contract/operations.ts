import { z } from 'zod';
import { ERROR_CODES } from '../errors/error-codes';
import { emptyInput } from './app';
import { defineCommand, defineEvent } from './define';

/**
 * Operations are the multi-step work on one device that is not a bare flash: provisioning to a recipe,
 * enrolling a certificate, retiring with a wipe. A flash inside a provision runs as a flash job (see
 * jobs.ts) and the operation links to it. Each operation ends in exactly one recorded terminal state.
 */
export const OPERATION_KINDS = ['provision', 'enroll', 'retire'] as const;
export const operationKindSchema = z.enum(OPERATION_KINDS);
export type OperationKind = z.infer<typeof operationKindSchema>;

export const OPERATION_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export const operationStateSchema = z.enum(OPERATION_STATES);
export type OperationState = z.infer<typeof operationStateSchema>;

export const STEP_STATES = ['pending', 'running', 'done', 'skipped', 'failed'] as const;
export const stepStateSchema = z.enum(STEP_STATES);
export type StepState = z.infer<typeof stepStateSchema>;

export const operationStepSchema = z.object({
  /** Stable machine name, e.g. `flash`, `enroll`, `configure`, `wipe`, `verify-wipe`. */
  name: z.string(),
  /** What the UI shows, e.g. "Install firmware 2.1.0". */
  label: z.string(),
  state: stepStateSchema,
  /** One line on what happened or is happening ("3 of 5 settings written", "already up to date"). */
  detail: z.string().nullable(),
  /** Bytes or items done, with rate and ETA where the step knows them; null when the step has no measure. */
  progress: z
    .object({
      done: z.number().nonnegative(),
      total: z.number().nonnegative(),
      unit: z.enum(['bytes', 'items']),
      perSecond: z.number().nonnegative(),
      etaSeconds: z.number().nonnegative().nullable(),
    })
    .nullable(),
});
export type OperationStep = z.infer<typeof operationStepSchema>;

export const operationErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  /** The step that failed. */
  step: z.string(),
  /** True when running the operation again may succeed. */
  isRetryable: z.boolean(),
});
export type OperationError = z.infer<typeof operationErrorSchema>;

export const operationSummarySchema = z.object({
  id: z.string(),
  kind: operationKindSchema,
  deviceId: z.string(),
  /** What the operation works towards, e.g. `recipe gateway-eu@3f2a…` or `NIST SP 800-88 Purge`. */
  title: z.string(),
  state: operationStateSchema,
  steps: z.array(operationStepSchema),
  /** The flash job a provision started, while it runs and after. */
  jobId: z.string().nullable(),
  startedAt: z.string(),
  updatedAt: z.string(),
  error: operationErrorSchema.nullable(),
});
export type OperationSummary = z.infer<typeof operationSummarySchema>;

export const operationsList = defineCommand({
  name: 'operations:list',
  input: emptyInput,
  output: z.object({ operations: z.array(operationSummarySchema) }),
  doc: 'The provisioning, enrollment and retirement operations of this station run, running and finished.',
});

export const operationsCancel = defineCommand({
  name: 'operations:cancel',
  input: z.object({ operationId: z.string().min(1).max(100) }).strict(),
  output: z.object({ operation: operationSummarySchema }),
  doc: 'Cancels a running operation; it ends recorded as cancelled, naming the step it stopped at.',
});

export const operationsChanged = defineEvent({
  name: 'operations:changed',
  payload: z.object({ operation: operationSummarySchema }),
  doc: 'An operation started, a step moved or made progress (at most every 250 ms), or it ended.',
});
