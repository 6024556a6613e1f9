import { z } from 'zod';
import { ledgerEventSchema } from '../../../shared/contract/ledger';

/** Limits that keep one request cheap to validate and one transaction short. */
export const BATCH_LIMITS = {
  maxEvents: 500,
  /** The whole request body; Fastify answers 413 above it before parsing. */
  maxBodyBytes: 4 * 1024 * 1024,
  /** One event's payload as canonical JSON. */
  maxPayloadBytes: 64 * 1024,
  /** Nesting of a payload; deeper JSON is refused before zod walks it recursively. */
  maxJsonDepth: 32,
} as const;

/** UUIDv7 in its canonical lower-case spelling, so that one id has exactly one text form. */
export const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Station ids appear in certificates (CN) and metric labels, so they are plain tokens. */
export const stationIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'must be 1-128 letters, digits, or . _ : -');

/** The shared event shape with the bounds the server enforces on top of it. */
export const ingestEventSchema = ledgerEventSchema
  .extend({
    id: z.string().regex(UUID_V7, 'must be a lower-case UUIDv7'),
    stationId: stationIdSchema,
    hlc: z.string().min(1).max(64),
    actor: z.string().min(1).max(200),
    deviceId: z.string().min(1).max(200).nullable(),
  })
  .strict();

export const ingestBatchSchema = z
  .object({
    stationId: stationIdSchema,
    events: z.array(ingestEventSchema).min(1).max(BATCH_LIMITS.maxEvents),
  })
  .strict();
export type IngestBatch = z.infer<typeof ingestBatchSchema>;

/** What the server answers to an accepted batch. */
export const ingestAckSchema = z.object({
  stationId: z.string(),
  /** The station's events up to and including this stationSeq are stored; send the next one after it. */
  acceptedThrough: z.number().int().nonnegative(),
  /** Events newly stored by this request. */
  accepted: z.number().int().nonnegative(),
  /** Events in the request the server already held with identical content (a resend). */
  duplicates: z.number().int().nonnegative(),
  /** The global order given to the first and last newly stored event, or null if none was new. */
  firstGlobalSeq: z.number().int().positive().nullable(),
  lastGlobalSeq: z.number().int().positive().nullable(),
});
export type IngestAck = z.infer<typeof ingestAckSchema>;

/** Where a station stands on the server: what it should send next. */
export const stationPositionSchema = z.object({
  stationId: z.string(),
  acceptedThrough: z.number().int().nonnegative(),
  headHash: z.string(),
  resumeFrom: z.number().int().positive(),
});
export type StationPosition = z.infer<typeof stationPositionSchema>;
