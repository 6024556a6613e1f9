import { AppError, type ErrorCode } from '../../../../shared/errors';

/** Runs `check` and returns the AppError it threw; fails with a readable message otherwise. */
export function refusalOf(check: () => unknown): AppError {
  try {
    check();
  } catch (error: unknown) {
    if (error instanceof AppError) return error;
    throw new Error(`expected an AppError, got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`, { cause: error });
  }
  throw new Error('expected a refusal, but the check passed');
}

/** The code of the refusal, for `expect(codeOf(...)).toBe(...)`. */
export function codeOf(check: () => unknown): ErrorCode {
  return refusalOf(check).code;
}
