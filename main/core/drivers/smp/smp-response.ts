import { z } from 'zod';
import { AppError, describeZodError } from '../../../../shared/errors';
import type { SmpMap } from './smp-cbor';

/** A CBOR byte string (major type 2) as decoded by smp-cbor. */
export const smpBytes = z.instanceof(Uint8Array);
/** A CBOR unsigned integer small enough for a number. */
export const smpUint = z.number().int().nonnegative();

/**
 * Checks an answer's body against what the command promises (protocols.md §1). A device that answers
 * something else is a DEVICE_PROTOCOL error naming the command and the wrong fields.
 */
export function parseSmpResponse<T>(schema: z.ZodType<T>, body: SmpMap, command: string): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  throw new AppError(
    'DEVICE_PROTOCOL',
    `Unexpected answer to SMP ${command}: ${describeZodError(result.error)}`,
    {
      details: {
        command,
        issues: result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      },
    },
  );
}
