import { z } from 'zod';
import { ERROR_CODES, isErrorCode, type ErrorCode } from './error-codes';

/** The shape an error takes on the wire (contract envelopes, JSON-lines output). */
export const serializedAppErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type SerializedAppError = z.infer<typeof serializedAppErrorSchema>;

/** The one error type of Fieldline: a code from the closed list, a message for logs, optional details. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: { details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = options.details;
  }

  toJSON(): SerializedAppError {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }

  static fromSerialized(value: SerializedAppError): AppError {
    return new AppError(value.code, value.message, value.details === undefined ? {} : { details: value.details });
  }
}

/** Converts anything caught into an AppError, keeping the original as `cause`. */
export function toAppError(error: unknown, fallbackCode: ErrorCode = 'INTERNAL'): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof z.ZodError) {
    return new AppError('INVALID_INPUT', describeZodError(error), { cause: error, details: { issues: error.issues.map(summarizeIssue) } });
  }
  if (isCodedObject(error)) return new AppError(error.code, error.message, { cause: error });
  const message = error instanceof Error ? error.message : String(error);
  return new AppError(fallbackCode, message, { cause: error });
}

function isCodedObject(value: unknown): value is { code: ErrorCode; message: string } {
  return (
    typeof value === 'object' && value !== null && isErrorCode((value as { code?: unknown }).code) &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

function summarizeIssue(issue: z.core.$ZodIssue): { path: string; message: string } {
  return { path: issue.path.map(String).join('.') || '(root)', message: issue.message };
}

/** A one-line description naming each wrong field, e.g. "limit: Too big: expected number to be <=1000". */
export function describeZodError(error: z.ZodError): string {
  return error.issues.map((issue) => `${summarizeIssue(issue).path}: ${issue.message}`).join('; ');
}
