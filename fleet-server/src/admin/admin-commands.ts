import { z } from 'zod';
import { AppError } from '../../../shared/errors';
import type { Database } from '../db/database';
import { createBootstrapToken } from '../enrollment/bootstrap-tokens';
import { stationIdSchema } from '../ingest/batch-schema';
import type { FleetMetrics } from '../observability/fleet-metrics';
import { revokeCertificate, revokeStationCertificates } from '../pki/certificate-store';
import { catalogItemNameSchema, catalogKindSchema, putCatalogItem, removeCatalogItem } from '../catalog/catalog-store';

/**
 * What an administrator can do, as commands with typed input. The CLI runs them either against the
 * database directly or, when a server holds the (PGlite) database, through that server's admin
 * socket; both paths end here.
 */
export const adminCommandSchemas = {
  'create-bootstrap-token': z
    .object({
      stationId: stationIdSchema.optional(),
      ttlMinutes: z.number().int().min(0).max(60 * 24 * 30).default(60 * 24),
      note: z.string().max(200).optional(),
    })
    .strict(),
  'revoke-station': z.object({ stationId: stationIdSchema, reason: z.number().int().min(0).max(10).default(0) }).strict(),
  'catalog-put': z.object({ kind: catalogKindSchema, name: catalogItemNameSchema, body: z.unknown() }).strict(),
  'catalog-remove': z.object({ kind: catalogKindSchema, name: catalogItemNameSchema }).strict(),
  'revoke-certificate': z
    .object({ serial: z.string().regex(/^[0-9a-fA-F:]{1,64}$/), reason: z.number().int().min(0).max(10).default(0) })
    .strict(),
} as const;

export type AdminCommandName = keyof typeof adminCommandSchemas;

export function isAdminCommandName(name: string): name is AdminCommandName {
  return Object.hasOwn(adminCommandSchemas, name);
}

export interface AdminDependencies {
  db: Database;
  /** Present when the command runs inside a server, so its counters see the change. */
  metrics?: FleetMetrics;
}

export async function runAdminCommand(deps: AdminDependencies, name: AdminCommandName, input: unknown): Promise<unknown> {
  switch (name) {
    case 'create-bootstrap-token':
      return createBootstrapToken(deps.db, adminCommandSchemas[name].parse(input));
    case 'revoke-station': {
      const { stationId, reason } = adminCommandSchemas[name].parse(input);
      const serials = await revokeStationCertificates(deps.db, stationId, reason);
      if (serials.length > 0) deps.metrics?.certificatesRevoked.inc({ kind: 'station' }, serials.length);
      return { stationId, revokedSerials: serials };
    }
    case 'catalog-put': {
      const { kind, name: itemName, body } = adminCommandSchemas[name].parse(input);
      return putCatalogItem(deps.db, kind, itemName, body);
    }
    case 'catalog-remove': {
      const { kind, name: itemName } = adminCommandSchemas[name].parse(input);
      if (!(await removeCatalogItem(deps.db, kind, itemName))) throw new AppError('NOT_FOUND', `no ${kind} named ${itemName}`);
      return { kind, name: itemName, isRemoved: true };
    }
    case 'revoke-certificate': {
      const { serial, reason } = adminCommandSchemas[name].parse(input);
      const result = await revokeCertificate(deps.db, serial.replace(/:/g, ''), reason);
      if (result === null) throw new AppError('NOT_FOUND', `no certificate with serial ${serial}`, { details: { serial } });
      if (result.isNew) deps.metrics?.certificatesRevoked.inc({ kind: result.record.kind });
      return result.record;
    }
  }
}
