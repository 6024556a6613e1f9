import { z } from 'zod';
import { serializedAppErrorSchema, type SerializedAppError } from '../errors/app-error';

/**
 * Every answer crosses a transport as an envelope, so that error codes survive the trip
 * (Electron keeps only `message` of a thrown error; JSON drops class identity).
 */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: SerializedAppError };

export const envelopeSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: serializedAppErrorSchema }),
]);

export function ok<T>(value: T): Envelope<T> {
  return { ok: true, value };
}

export function failed(error: SerializedAppError): Envelope<never> {
  return { ok: false, error };
}
