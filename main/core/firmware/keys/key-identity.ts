import { createHash, type KeyObject } from 'node:crypto';

/** The key types Fieldline accepts: release keys are Ed25519 or ECDSA P-256; image keys also RSA (protocols.md §2). */
export type KeyAlgorithm = 'ed25519' | 'ecdsa-p256' | 'rsa-2048' | 'rsa-3072';

/** The algorithm of a public or private key, or undefined for anything else (P-384, DSA, RSA-1024…). */
export function keyAlgorithmOf(key: KeyObject): KeyAlgorithm | undefined {
  const details = key.asymmetricKeyDetails;
  switch (key.asymmetricKeyType) {
    case 'ed25519':
      return 'ed25519';
    case 'ec':
      return details?.namedCurve === 'prime256v1' ? 'ecdsa-p256' : undefined;
    case 'rsa':
      if (details?.modulusLength === 2048) return 'rsa-2048';
      return details?.modulusLength === 3072 ? 'rsa-3072' : undefined;
    default:
      return undefined;
  }
}

/** A key's id in envelopes and the trust store: lowercase hex SHA-256 of its SubjectPublicKeyInfo DER. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}

/**
 * MCUboot's KEYHASH (protocols.md §2): SHA-256 of the SubjectPublicKeyInfo DER for ECDSA and Ed25519,
 * of the PKCS#1 RSAPublicKey DER for RSA. Hex.
 */
export function mcubootKeyHashOf(publicKey: KeyObject): string {
  const der = publicKey.asymmetricKeyType === 'rsa' ? publicKey.export({ type: 'pkcs1', format: 'der' }) : publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex');
}
