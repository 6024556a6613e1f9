import { z } from 'zod';
import {
  deviceHistorySchema,
  deviceListQuerySchema,
  deviceListSchema,
  deviceRecordSchema,
  errorResponseSchema,
  healthSchema,
  stationEnrollmentRequestSchema,
  stationEnrollmentSchema,
} from '../http/api-schemas';
import { catalogDocumentSchema } from '../catalog/catalog-document';
import { offlineRegistrationResultSchema, offlineRegistrationSchema } from '../est/offline-registration';
import { revocationRequestSchema } from '../routes/certificate-routes';
import { ingestAckSchema, ingestBatchSchema, stationPositionSchema } from '../ingest/batch-schema';

/** Every schema the document names, by component name. */
export const API_SCHEMAS: Record<string, z.ZodType> = {
  ErrorResponse: errorResponseSchema,
  Health: healthSchema,
  IngestBatch: ingestBatchSchema,
  IngestAck: ingestAckSchema,
  StationPosition: stationPositionSchema,
  DeviceRecord: deviceRecordSchema,
  DeviceList: deviceListSchema,
  DeviceHistory: deviceHistorySchema,
  StationEnrollmentRequest: stationEnrollmentRequestSchema,
  StationEnrollment: stationEnrollmentSchema,
  Catalog: catalogDocumentSchema,
  OfflineRegistration: offlineRegistrationSchema,
  OfflineRegistrationResult: offlineRegistrationResultSchema,
  RevocationRequest: revocationRequestSchema,
};

type SchemaRef = keyof typeof API_SCHEMAS | Record<string, unknown>;

export interface ApiOperation {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Fastify syntax (`:param`). */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: 'operations' | 'enrollment' | 'ingest' | 'devices' | 'catalog' | 'certificates' | 'est';
  auth: 'none' | 'station' | 'device';
  /** Query and header parameters (path parameters come from the path). */
  parameters?: Record<string, unknown>[];
  body?: { schema: SchemaRef; mediaType?: string };
  responses: Record<string, { description: string; schema?: SchemaRef; mediaType?: string }>;
}

/** OpenAPI query parameters from a zod object schema. */
export function queryParameters(schema: z.ZodObject): Record<string, unknown>[] {
  const json = z.toJSONSchema(schema, { io: 'input' }) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    schema: property,
  }));
}

const text = { type: 'string' };
const base64Pkcs7 = { description: 'certs-only PKCS#7 (CMS SignedData), base64', schema: text, mediaType: 'application/pkcs7-mime; smime-type=certs-only' };
const base64Csr = { schema: { type: 'string', description: 'PKCS#10 request, base64 DER (line breaks allowed)' }, mediaType: 'application/pkcs10' };
const crl = { description: 'DER-encoded X.509 CRL', schema: { type: 'string', format: 'binary' }, mediaType: 'application/pkix-crl' };

export const API_OPERATIONS: ApiOperation[] = [
  { method: 'GET', path: '/health', operationId: 'getHealth', summary: 'Liveness and database kind', tag: 'operations', auth: 'none', responses: { 200: { description: 'Up', schema: 'Health' } } },
  { method: 'GET', path: '/openapi.json', operationId: 'getOpenApi', summary: 'This document', tag: 'operations', auth: 'none', responses: { 200: { description: 'OpenAPI 3.1', schema: { type: 'object' } } } },
  {
    method: 'GET',
    path: '/metrics',
    operationId: 'getMetrics',
    summary: 'Prometheus metrics',
    tag: 'operations',
    auth: 'none',
    responses: { 200: { description: 'Prometheus text format', schema: text, mediaType: 'text/plain' } },
  },
  {
    method: 'POST',
    path: '/enroll/station',
    operationId: 'enrollStation',
    summary: 'Exchange a one-time bootstrap token and a CSR for a station certificate',
    description: 'The CSR’s CN is the station id. Re-enrolling an existing station needs a token created for that station id.',
    tag: 'enrollment',
    auth: 'none',
    body: { schema: 'StationEnrollmentRequest' },
    responses: { 201: { description: 'Enrolled', schema: 'StationEnrollment' } },
  },
  {
    method: 'POST',
    path: '/ingest/batches',
    operationId: 'ingestBatch',
    summary: 'Store a batch of the station’s hash-chained ledger events',
    description:
      'Idempotent by event id: a resend is acknowledged as duplicates. 409 SYNC_GAP and SYNC_FORK carry `details.resumeFrom`; 409 IDEMPOTENCY_CONFLICT for a reused id with another body; 422 SYNC_CHAIN_INVALID for a hash that does not match; 413 above the size limits. Nothing of a refused batch is stored.',
    tag: 'ingest',
    auth: 'station',
    body: { schema: 'IngestBatch' },
    responses: { 200: { description: 'Stored (or already held)', schema: 'IngestAck' } },
  },
  {
    method: 'GET',
    path: '/ingest/stations/:stationId/position',
    operationId: 'getStationPosition',
    summary: 'Where the station’s chain stands on the server (what to send next)',
    tag: 'ingest',
    auth: 'station',
    responses: { 200: { description: 'Position', schema: 'StationPosition' } },
  },
  {
    method: 'GET',
    path: '/devices',
    operationId: 'listDevices',
    summary: 'Devices across all stations, filtered by state and model, paged by id',
    tag: 'devices',
    auth: 'station',
    parameters: queryParameters(deviceListQuerySchema),
    responses: { 200: { description: 'A page of devices', schema: 'DeviceList' } },
  },
  {
    method: 'GET',
    path: '/devices/:deviceId',
    operationId: 'getDevice',
    summary: 'One device’s projected state',
    tag: 'devices',
    auth: 'station',
    responses: { 200: { description: 'The device', schema: 'DeviceRecord' } },
  },
  {
    method: 'GET',
    path: '/devices/:deviceId/history',
    operationId: 'getDeviceHistory',
    summary: 'Every event about a device from every station, in causal order (HLC, then id)',
    tag: 'devices',
    auth: 'station',
    responses: { 200: { description: 'The history', schema: 'DeviceHistory' } },
  },
  {
    method: 'GET',
    path: '/catalog',
    operationId: 'getCatalog',
    summary: 'Bundles, recipes, trust anchors and revocations: what a station needs offline',
    description: 'Strong ETag; send If-None-Match to get 304 Not Modified when nothing changed.',
    tag: 'catalog',
    auth: 'station',
    parameters: [{ name: 'If-None-Match', in: 'header', required: false, schema: { type: 'string' } }],
    responses: { 200: { description: 'The catalog', schema: 'Catalog' }, 304: { description: 'Not modified' } },
  },
  {
    method: 'POST',
    path: '/certificates/offline',
    operationId: 'registerOfflineCertificates',
    summary: 'Report device certificates a station issued offline with a registered offline device CA',
    description: 'All or nothing; idempotent by serial. The issuing CA must be the device CA or a catalog trust anchor with purpose `offline-device-ca`.',
    tag: 'certificates',
    auth: 'station',
    body: { schema: 'OfflineRegistration' },
    responses: { 200: { description: 'Recorded', schema: 'OfflineRegistrationResult' } },
  },
  {
    method: 'POST',
    path: '/certificates/:serial/revoke',
    operationId: 'revokeDeviceCertificate',
    summary: 'Revoke a device certificate (idempotent: the first revocation stays)',
    tag: 'certificates',
    auth: 'station',
    body: { schema: 'RevocationRequest' },
    responses: { 200: { description: 'The certificate record', schema: { type: 'object' } } },
  },
  { method: 'GET', path: '/pki/fleet-ca.crl', operationId: 'getFleetCaCrl', summary: 'CRL of the fleet CA (station certificates)', tag: 'certificates', auth: 'none', responses: { 200: crl } },
  { method: 'GET', path: '/pki/device-ca.crl', operationId: 'getDeviceCaCrl', summary: 'CRL of the device CA', tag: 'certificates', auth: 'none', responses: { 200: crl } },
  { method: 'GET', path: '/.well-known/est/cacerts', operationId: 'estCaCerts', summary: 'EST: the device CA certificate (RFC 7030 §4.1)', tag: 'est', auth: 'none', responses: { 200: base64Pkcs7 } },
  { method: 'GET', path: '/.well-known/est/csrattrs', operationId: 'estCsrAttrs', summary: 'EST: CSR attributes (none required)', tag: 'est', auth: 'none', responses: { 204: { description: 'No attributes required' } } },
  {
    method: 'POST',
    path: '/.well-known/est/simpleenroll',
    operationId: 'estSimpleEnroll',
    summary: 'EST: issue a device certificate for a CSR whose CN is the device id (RFC 7030 §4.2.1)',
    tag: 'est',
    auth: 'station',
    body: base64Csr,
    responses: { 200: base64Pkcs7 },
  },
  {
    method: 'POST',
    path: '/.well-known/est/simplereenroll',
    operationId: 'estSimpleReenroll',
    summary: 'EST: renew a device certificate, same subject (RFC 7030 §4.2.2)',
    description: 'Authenticated by the device certificate being renewed, or by a station on the device’s behalf.',
    tag: 'est',
    auth: 'device',
    body: base64Csr,
    responses: { 200: base64Pkcs7 },
  },
];
