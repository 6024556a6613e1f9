import type { ErrorCode } from '../../../shared/errors';

/**
 * Failures that running the job again can cure: the link or the device went away, the station stopped,
 * the port was busy, the device answered garbage once. A refused bundle, a device that refuses the
 * image, or a wrong device stays failed until someone changes something.
 */
const RETRYABLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'TRANSPORT_CLOSED',
  'DEVICE_NOT_RESPONDING',
  'DEVICE_PROTOCOL',
  'TIMEOUT',
  'JOB_INTERRUPTED',
  'DEVICE_BUSY',
  'DEVICE_MISMATCH',
  'PORT_UNAVAILABLE',
  'NOT_FOUND',
  'FIRMWARE_VERIFY_FAILED',
  'CANCELLED',
]);

export function isRetryableFailure(code: ErrorCode): boolean {
  return RETRYABLE.has(code);
}
