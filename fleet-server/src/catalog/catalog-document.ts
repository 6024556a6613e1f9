import { createHash } from 'node:crypto';
import type { CatalogDocument } from '../../../shared/contract/catalog';
import { canonicalJson } from '../../../shared/ledger/canonical-event';
import type { SqlExecutor } from '../db/database';
import { listRevoked } from '../pki/certificate-store';
import type { FleetPki } from '../pki/development-pki';
import { listCatalogItems } from './catalog-store';

// The document's schema is shared with the station, which caches and checks what it receives.
export { catalogDocumentSchema, type CatalogDocument } from '../../../shared/contract/catalog';

/**
 * Everything a station needs to work offline, as one document. It carries no generation time,
 * so its strong ETag (SHA-256 of the canonical JSON) changes exactly when the content does.
 */
export async function buildCatalog(db: SqlExecutor, pki: FleetPki): Promise<{ document: CatalogDocument; etag: string }> {
  const items = await listCatalogItems(db);
  const revoked = await listRevoked(db);
  const document: CatalogDocument = {
    bundles: items.filter((item) => item.kind === 'bundle').map((item) => ({ name: item.name, manifest: item.body })),
    recipes: items.filter((item) => item.kind === 'recipe').map((item) => ({ name: item.name, recipe: item.body })),
    trustAnchors: [
      { name: 'fleet-ca', purpose: 'fleet-server', pem: pki.fleetCa.certificate.toString('pem') },
      { name: 'device-ca', purpose: 'device-identity', pem: pki.deviceCa.certificate.toString('pem') },
      ...items
        .filter((item) => item.kind === 'trust-anchor')
        .map((item) => {
          const body = item.body as { pem: string; purpose: string };
          return { name: item.name, purpose: body.purpose, pem: body.pem };
        }),
    ],
    revocations: {
      certificates: revoked.map((record) => ({ serial: record.serial, kind: record.kind, revokedAt: record.revokedAt ?? '', reason: record.revocationReason ?? 0 })),
      crls: [
        { issuer: pki.fleetCa.certificate.subject, path: '/pki/fleet-ca.crl' },
        { issuer: pki.deviceCa.certificate.subject, path: '/pki/device-ca.crl' },
      ],
    },
  };
  const etag = `"${createHash('sha256').update(canonicalJson(document), 'utf8').digest('hex')}"`;
  return { document, etag };
}

/**
 * RFC 9110 §13.1.2: If-None-Match is a list of entity tags or `*`, compared weakly (a `W/` prefix
 * is ignored). True when the client's copy is current.
 */
export function matchesIfNoneMatch(header: string | string[] | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const value = Array.isArray(header) ? header.join(',') : header;
  if (value.trim() === '*') return true;
  const bare = etag.replace(/^W\//, '');
  return value.split(',').some((tag) => tag.trim().replace(/^W\//, '') === bare);
}
