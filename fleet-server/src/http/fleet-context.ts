import type { X509Certificate } from 'node:crypto';
import type { z } from 'zod';
import { toAppError } from '../../../shared/errors';
import type { Database } from '../db/database';
import type { FleetMetrics } from '../observability/fleet-metrics';
import type { FleetPki } from '../pki/development-pki';

/** What every route module receives: the server's ports and state, no globals. */
export interface FleetContext {
  db: Database;
  pki: FleetPki;
  /** The two CA certificates in node:crypto form, for checking TLS clients. */
  fleetCaCertificate: X509Certificate;
  deviceCaCertificate: X509Certificate;
  metrics: FleetMetrics;
  nowMs: () => number;
}

/** Parses untrusted input with a zod schema; failures become INVALID_INPUT naming each wrong field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw toAppError(result.error);
  return result.data;
}
