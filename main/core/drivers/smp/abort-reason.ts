import { AppError } from '../../../../shared/errors';

/** The error to throw when an AbortSignal fired: its reason if that is an AppError, else CANCELLED. */
export function abortReason(signal: AbortSignal | undefined): AppError {
  const reason: unknown = signal?.reason;
  if (reason instanceof AppError) return reason;
  return new AppError('CANCELLED', 'Cancelled', reason === undefined ? {} : { cause: reason });
}
