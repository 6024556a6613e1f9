import { AppError } from '../../../../shared/errors';

/** Checks that a value fits a 16-bit USB field (wValue, wLength, idVendor, …); INVALID_INPUT otherwise. */
export function checkU16(value: number, fieldName: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff)
    throw new AppError('INVALID_INPUT', `${fieldName} ${value} does not fit in 16 bits`);
  return value;
}
