import { z } from 'zod';
import { jsonValueSchema, type JsonValue } from '../../../shared/contract/ledger';
import { AppError } from '../../../shared/errors';
import type { SqlExecutor } from '../db/database';
import { x509 } from '../pki/x509';

export const CATALOG_KINDS = ['bundle', 'recipe', 'trust-anchor'] as const;
export const catalogKindSchema = z.enum(CATALOG_KINDS);
export type CatalogKind = z.infer<typeof catalogKindSchema>;

export const catalogItemNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/, 'must be 1-128 letters, digits, or . _ @ + -');

/** A bundle or recipe is a JSON object (a signed release manifest, a recipe document). */
const documentBodySchema = z.record(z.string(), jsonValueSchema);
/** An extra trust anchor: a CA certificate stations accept, e.g. an offline station CA or a publisher root. */
const trustAnchorBodySchema = z.object({ pem: z.string().max(16 * 1024), purpose: z.string().min(1).max(100) }).strict();

const MAX_BODY_BYTES = 256 * 1024;

function validateBody(kind: CatalogKind, body: unknown): JsonValue {
  if (Buffer.byteLength(JSON.stringify(body) ?? '', 'utf8') > MAX_BODY_BYTES) {
    throw new AppError('PAYLOAD_TOO_LARGE', `a catalog item may be at most ${MAX_BODY_BYTES} bytes`, { details: { maxBytes: MAX_BODY_BYTES } });
  }
  if (kind !== 'trust-anchor') return documentBodySchema.parse(body);
  const anchor = trustAnchorBodySchema.parse(body);
  let certificate: x509.X509Certificate;
  try {
    certificate = new x509.X509Certificate(anchor.pem);
  } catch (error: unknown) {
    throw new AppError('CERTIFICATE_INVALID', 'the trust anchor is not a PEM certificate', { cause: error });
  }
  const constraints = certificate.getExtension(x509.BasicConstraintsExtension);
  if (constraints?.ca !== true) throw new AppError('CERTIFICATE_INVALID', 'a trust anchor must be a CA certificate (basicConstraints cA)');
  return { pem: certificate.toString('pem'), purpose: anchor.purpose };
}

export interface CatalogItem {
  kind: CatalogKind;
  name: string;
  body: JsonValue;
}

/** Adds or replaces one item (the administrator publishes a bundle, a recipe or a trust anchor). */
export async function putCatalogItem(db: SqlExecutor, kind: CatalogKind, name: string, body: unknown): Promise<CatalogItem> {
  const validated = validateBody(kind, body);
  await db.query(
    `INSERT INTO catalog_items (kind, name, body) VALUES ($1, $2, $3::jsonb)
     ON CONFLICT (kind, name) DO UPDATE SET body = EXCLUDED.body, updated_at = now()`,
    [kind, catalogItemNameSchema.parse(name), JSON.stringify(validated)],
  );
  return { kind, name, body: validated };
}

export async function removeCatalogItem(db: SqlExecutor, kind: CatalogKind, name: string): Promise<boolean> {
  const rows = await db.query('DELETE FROM catalog_items WHERE kind = $1 AND name = $2 RETURNING name', [kind, name]);
  return rows.length > 0;
}

/** Every item, in a fixed order so that the catalog document (and its ETag) is deterministic. */
export async function listCatalogItems(db: SqlExecutor): Promise<CatalogItem[]> {
  return db.query<CatalogItem>('SELECT kind, name, body FROM catalog_items ORDER BY kind, name');
}
