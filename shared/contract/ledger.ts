import { z } from 'zod';
import { defineCommand, defineEvent } from './define';

/** A JSON value as stored in an event payload. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export const jsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValueSchema), z.record(z.string(), jsonValueSchema)]),
);

/** Event types are dotted lower-case words: `device.discovered`, `firmware.flashed`. */
export const eventTypeSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/, 'must be dotted lower-case words, e.g. device.discovered')
  .max(64);

export const ledgerEventSchema = z.object({
  /** UUIDv7: sorts by creation time, unique across stations. */
  id: z.string(),
  stationId: z.string(),
  /** 1, 2, 3… per station: the position in that station's hash chain. */
  stationSeq: z.number().int().positive(),
  /** Hybrid logical clock timestamp; sorts causally across stations. */
  hlc: z.string(),
  actor: z.string(),
  deviceId: z.string().nullable(),
  type: eventTypeSchema,
  payload: jsonValueSchema,
  /** SHA-256 (hex) of the station's previous event, or 64 zeros for its first. */
  prevHash: z.string().regex(/^[0-9a-f]{64}$/),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type LedgerEvent = z.infer<typeof ledgerEventSchema>;

export const ledgerListEvents = defineCommand({
  name: 'ledger:list-events',
  input: z
    .object({
      limit: z.number().int().min(1).max(1000).default(200),
      /** Return events older than this local position (from `nextBefore`), for paging back in time. */
      before: z.number().int().positive().optional(),
      deviceId: z.string().max(200).optional(),
      type: z.string().max(64).optional(),
      /** Case-insensitive text anywhere in the event (device id, type, actor, payload) or in its device's serial. */
      text: z.string().max(200).optional(),
    })
    .strict(),
  output: z.object({
    events: z.array(ledgerEventSchema.extend({ position: z.number().int() })),
    nextBefore: z.number().int().nullable(),
  }),
  doc: 'Ledger events, newest first, optionally filtered by device or type.',
});

export const ledgerDeviceHistory = defineCommand({
  name: 'ledger:device-history',
  input: z.object({ deviceId: z.string().min(1).max(200) }).strict(),
  output: z.object({ events: z.array(ledgerEventSchema) }),
  doc: 'Every ledger event about one device, oldest first.',
});

export const ledgerChanged = defineEvent({
  name: 'ledger:changed',
  payload: z.object({ eventCount: z.number().int().nonnegative() }),
  doc: 'The ledger grew (in this process or another one writing the same data folder).',
});
