import { z } from 'zod';
import { lifecycleStateSchema } from '../../../shared/contract/devices';
import { ledgerEventSchema } from '../../../shared/contract/ledger';
import { serializedAppErrorSchema } from '../../../shared/errors';

/**
 * Response shapes of the HTTP API, defined once with zod: the TypeScript types come from them and
 * so does the OpenAPI document (observability/openapi-document.ts).
 */
export const errorResponseSchema = z.object({ error: serializedAppErrorSchema });

export const deviceRecordSchema = z.object({
  id: z.string(),
  state: lifecycleStateSchema,
  model: z.string().nullable(),
  serial: z.string().nullable(),
  firmwareVersion: z.string().nullable(),
  /** Type of the last event that counted (events superseded by a retirement do not). */
  lastAction: z.string().nullable(),
  lastEventId: z.string().nullable(),
  lastHlc: z.string().nullable(),
  eventCount: z.number().int(),
  /** Events sorted after a retirement, kept in the history but without effect on the state. */
  supersededCount: z.number().int(),
  updatedAt: z.string(),
});
export type DeviceRecord = z.infer<typeof deviceRecordSchema>;

export const deviceListSchema = z.object({
  devices: z.array(deviceRecordSchema),
  /** Pass as `after` to get the next page; null on the last page. */
  nextAfter: z.string().nullable(),
});

export const storedEventSchema = ledgerEventSchema.extend({
  /** The order in which the server accepted events, across all stations. */
  globalSeq: z.number().int().positive(),
  receivedAt: z.string(),
});
export type StoredEvent = z.infer<typeof storedEventSchema>;

export const deviceHistorySchema = z.object({ deviceId: z.string(), events: z.array(storedEventSchema) });

export const stationEnrollmentSchema = z.object({
  stationId: z.string(),
  /** The station's client certificate (PEM), signed by the fleet CA. */
  certificate: z.string(),
  serialNumber: z.string(),
  notAfter: z.string(),
  /** The fleet CA (PEM): the station pins it to recognise this server. */
  caCertificates: z.array(z.string()),
});
export type StationEnrollment = z.infer<typeof stationEnrollmentSchema>;

/** Query of GET /devices. */
export const deviceListQuerySchema = z
  .object({
    state: lifecycleStateSchema.optional(),
    model: z.string().min(1).max(200).optional(),
    after: z.string().min(1).max(200).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

export const stationEnrollmentRequestSchema = z
  .object({
    /** The one-time token from `fleet-server create-bootstrap-token`. */
    token: z.string().min(10).max(200),
    /** PKCS#10 request, PEM or base64 DER; its CN is the station id. */
    csr: z.string().min(1).max(32 * 1024),
  })
  .strict();

export const healthSchema = z.object({ status: z.literal('ok'), database: z.enum(['pglite', 'postgres']) });
