import { z } from 'zod';
import { bundleVerificationSchema, type BundleSummary } from '../../../shared/contract';
import { manifestSchema } from '../firmware/manifest/manifest-schema';

/**
 * What the library keeps beside each bundle (`<sha>.json`): the signed manifest as verified at import,
 * who signed it, and the verification result, so listing never reopens the bundles. Parsed back with
 * the same schemas, so a damaged record is skipped rather than shown.
 */
export const libraryRecordSchema = z.object({
  bundleId: z.string().regex(/^[0-9a-f]{64}$/),
  fileName: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  importedAt: z.string(),
  manifest: manifestSchema,
  signedBy: z.array(z.object({ name: z.string(), keyId: z.string(), isDevelopment: z.boolean() })),
  verification: bundleVerificationSchema,
});
export type LibraryRecord = z.infer<typeof libraryRecordSchema>;

/** The contract's view of a stored bundle. */
export function summarize(record: LibraryRecord, path: string, fittingDeviceCount: number): BundleSummary {
  const { manifest } = record;
  return {
    bundleId: record.bundleId,
    fileName: record.fileName,
    path,
    sizeBytes: record.sizeBytes,
    product: manifest.product,
    version: manifest.version,
    channel: manifest.channel,
    securityCounter: manifest.securityCounter,
    issuedAt: manifest.issuedAt,
    expiresAt: manifest.expiresAt,
    hardware: manifest.hardware.map(({ id, revisions }) => ({ id, revisions: [...revisions] })),
    images: manifest.images.map((image) => ({
      file: image.file,
      protocol: image.protocol,
      sizeBytes: image.sizeBytes,
      sha256: image.sha256,
      slot: image.protocol === 'mcuboot' ? image.slot : null,
      address: image.protocol === 'mcuboot' ? null : image.address,
    })),
    signedBy: record.signedBy.map((signer) => ({ ...signer })),
    isDevelopmentSigned: record.signedBy.some((signer) => signer.isDevelopment),
    importedAt: record.importedAt,
    verification: record.verification,
    fittingDeviceCount,
  };
}
