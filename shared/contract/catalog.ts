import { z } from 'zod';
import { jsonValueSchema } from './ledger';

/**
 * The fleet server's catalog: everything a station needs to work offline (bundles, recipes, trust
 * anchors, revocations). The server builds it; the station caches it and revalidates with its ETag.
 */
export const catalogDocumentSchema = z.object({
  bundles: z.array(z.object({ name: z.string(), manifest: jsonValueSchema })),
  recipes: z.array(z.object({ name: z.string(), recipe: jsonValueSchema })),
  /** CA certificates (PEM) with what they are trusted for. */
  trustAnchors: z.array(z.object({ name: z.string(), purpose: z.string(), pem: z.string() })),
  revocations: z.object({
    certificates: z.array(
      z.object({ serial: z.string(), kind: z.enum(['station', 'device']), revokedAt: z.string(), reason: z.number().int() }),
    ),
    /** Where the signed CRLs are published, relative to the server. */
    crls: z.array(z.object({ issuer: z.string(), path: z.string() })),
  }),
});
export type CatalogDocument = z.infer<typeof catalogDocumentSchema>;
