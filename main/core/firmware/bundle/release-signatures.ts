import type { DsseEnvelope } from '../envelope/dsse-envelope';
import { preAuthenticationEncoding } from '../envelope/dsse-envelope';
import { refusal } from '../firmware-refusal';
import { verifyReleaseBytes } from '../keys/release-signature';
import type { TrustedKey, TrustStore } from '../trust/trust-store';

/** What the signatures on an envelope proved, before the payload is read. */
export interface SignatureFindings {
  /** Distinct, non-revoked keys whose signature verified. */
  validSigners: TrustedKey[];
  /** Known keys that signed but are revoked (their signatures are not even checked). */
  revokedSigners: TrustedKey[];
}

/**
 * Checks every DSSE signature over PAE(payloadType, payload) (dsse protocol.md). Signatures by keys the
 * store does not know are ignored, as DSSE prescribes; a signature that names a known key and does not
 * verify is evidence of tampering and refuses the bundle (BUNDLE_SIGNATURE_INVALID). With no valid
 * signature left: BUNDLE_SIGNATURE_MISSING (none at all), BUNDLE_KEY_REVOKED, or BUNDLE_KEY_UNKNOWN.
 */
export function checkReleaseSignatures(envelope: DsseEnvelope, store: TrustStore): SignatureFindings {
  if (envelope.signatures.length === 0) throw refusal('BUNDLE_SIGNATURE_MISSING', 'signature', 'the manifest envelope carries no signature');
  const signed = preAuthenticationEncoding(envelope.payloadType, envelope.payload);
  const valid = new Map<string, TrustedKey>();
  const revoked = new Map<string, TrustedKey>();
  const unknown: string[] = [];
  for (const [index, entry] of envelope.signatures.entries()) {
    const key = store.keys.get(entry.keyId);
    if (!key || (key.algorithm !== 'ed25519' && key.algorithm !== 'ecdsa-p256')) {
      unknown.push(entry.keyId);
      continue;
    }
    if (store.revoked.has(key.keyId)) {
      revoked.set(key.keyId, key);
      continue;
    }
    if (!verifyReleaseBytes(key.publicKey, signed, entry.signature)) {
      throw refusal('BUNDLE_SIGNATURE_INVALID', `signature ${index + 1}`, `names key "${key.name}" (${key.keyId.slice(0, 16)}…) but does not verify over the manifest`, { keyId: key.keyId });
    }
    valid.set(key.keyId, key);
  }
  if (valid.size === 0 && revoked.size > 0) throw revokedRefusal([...revoked.values()], store);
  if (valid.size === 0) {
    throw refusal('BUNDLE_KEY_UNKNOWN', 'signature', `signed only by keys this trust store does not know: ${unknown.map((id) => `${id.slice(0, 16)}…`).join(', ')}`, { keyIds: unknown });
  }
  return { validSigners: [...valid.values()], revokedSigners: [...revoked.values()] };
}

/**
 * Applies the product's policy (trust store): only its release keys count, and at least `threshold`
 * distinct ones must have signed. Returns the keys that counted.
 */
export function checkProductSigners(product: string, findings: SignatureFindings, store: TrustStore): TrustedKey[] {
  const policy = store.products.get(product);
  if (!policy) throw refusal('BUNDLE_KEY_UNKNOWN', 'signature policy', `the trust store has no release keys for product "${product}"`, { product });
  const counted = findings.validSigners.filter((key) => policy.releaseKeyIds.has(key.keyId));
  if (counted.length >= policy.threshold) return counted;
  if (counted.length > 0) {
    throw refusal('BUNDLE_SIGNATURE_MISSING', 'signature threshold', `product "${product}" needs ${policy.threshold} signatures by its release keys, the bundle has ${counted.length}`);
  }
  const revokedOfProduct = findings.revokedSigners.filter((key) => policy.releaseKeyIds.has(key.keyId));
  if (revokedOfProduct.length > 0) throw revokedRefusal(revokedOfProduct, store);
  const names = findings.validSigners.map((key) => `"${key.name}"`).join(', ');
  throw refusal('BUNDLE_KEY_UNKNOWN', 'signature policy', `signed by ${names}, which is not a release key of product "${product}"`, { product });
}

function revokedRefusal(keys: TrustedKey[], store: TrustStore) {
  const described = keys.map((key) => `"${key.name}" (${store.revoked.get(key.keyId) ?? 'revoked'})`).join(', ');
  return refusal('BUNDLE_KEY_REVOKED', 'signature', `signed by revoked key ${described}`, { keyIds: keys.map((key) => key.keyId) });
}
