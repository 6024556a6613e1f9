import type { BundleRefusal } from '../../../shared/contract';
import type { AppError } from '../../../shared/errors';

/** A refusal as the contract carries it: the code, the failed check the firmware code named, the message. */
export function refusalOf(error: AppError): BundleRefusal {
  const check = error.details?.check;
  return { code: error.code, check: typeof check === 'string' ? check : null, message: error.message };
}
