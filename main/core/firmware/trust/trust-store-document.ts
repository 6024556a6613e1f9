import { parse } from 'yaml';
import { z } from 'zod';
import { AppError, describeZodError } from '../../../../shared/errors';
import { createTrustStore, type TrustStore } from './trust-store';

const name = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lowercase letters, digits, ".", "_", "-"');

/** The trust store file (resources/dev-keys/trust-store.yaml; later the fleet catalog's copy). */
const trustStoreDocumentSchema = z.strictObject({
  schemaVersion: z.literal(1),
  keys: z.array(z.strictObject({ name, development: z.boolean().default(false), publicKey: z.string().max(4096) })).max(256),
  products: z.record(name, z.strictObject({ releaseKeys: z.array(name).min(1), imageKeys: z.array(name).default([]), threshold: z.number().int().min(1).default(1) })),
  revoked: z.array(z.strictObject({ keyId: z.string(), reason: z.string().max(500) })).default([]),
});

/** Parses a trust store document (YAML or JSON text), refusing anything malformed with TRUST_STORE_INVALID. */
export function parseTrustStoreYaml(text: string): TrustStore {
  let document: unknown;
  try {
    document = parse(text, { maxAliasCount: 0, uniqueKeys: true });
  } catch (error: unknown) {
    throw new AppError('TRUST_STORE_INVALID', `trust store: not valid YAML (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = trustStoreDocumentSchema.safeParse(document);
  if (!parsed.success) throw new AppError('TRUST_STORE_INVALID', `trust store: ${describeZodError(parsed.error)}`);
  const { keys, products, revoked } = parsed.data;
  return createTrustStore({
    keys: keys.map((key) => ({ name: key.name, publicKey: key.publicKey, isDevelopment: key.development })),
    products,
    revoked,
  });
}
