import { preAuthenticationEncoding } from '../envelope/dsse-envelope';
import { verifyReleaseBytes } from '../keys/release-signature';
import type { Manifest } from '../manifest/manifest-schema';
import { parseManifest } from '../manifest/parse-manifest';
import type { TrustStore } from '../trust/trust-store';
import { readEnvelopeAndFiles } from './open-bundle';

export type SignatureStatus = 'valid' | 'invalid' | 'revoked' | 'unknown-key';

export interface BundleInspection {
  /** Read without trusting it: inspect shows what a bundle claims, verify decides. */
  manifest: Manifest;
  files: { name: string; sizeBytes: number }[];
  signatures: { keyId: string; keyName: string | undefined; status: SignatureStatus; isDevelopment: boolean }[];
}

/**
 * What a bundle holds and who signed it, for `bundle inspect`. The archive, envelope and manifest go
 * through the same bounded parsers as verification (so a hostile bundle is still refused), but
 * signatures are only reported, never required.
 */
export function inspectBundle(bundleBytes: Uint8Array, store: TrustStore): BundleInspection {
  const { envelope, files, order } = readEnvelopeAndFiles(bundleBytes);
  const manifest = parseManifest(envelope.payload);
  const signed = preAuthenticationEncoding(envelope.payloadType, envelope.payload);
  return {
    manifest,
    files: order.map((name) => ({ name, sizeBytes: files.get(name)?.length ?? 0 })),
    signatures: envelope.signatures.map(({ keyId, signature }) => {
      const key = store.keys.get(keyId);
      const status: SignatureStatus =
        key === undefined ? 'unknown-key' : store.revoked.has(keyId) ? 'revoked' : verifyReleaseBytes(key.publicKey, signed, signature) ? 'valid' : 'invalid';
      return { keyId, keyName: key?.name, status, isDevelopment: key?.isDevelopment ?? false };
    }),
  };
}
