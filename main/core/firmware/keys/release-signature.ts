import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { AppError } from '../../../../shared/errors';
import { keyAlgorithmOf } from './key-identity';

/**
 * Signs DSSE pre-authentication bytes with a release key: Ed25519 (pure, RFC 8032) or ECDSA P-256 with
 * SHA-256, DER-encoded `SEQUENCE{r,s}` as cosign and most DSSE tools write it.
 */
export function signReleaseBytes(privateKey: KeyObject, data: Uint8Array): Uint8Array {
  const algorithm = keyAlgorithmOf(privateKey);
  if (algorithm === 'ed25519') return new Uint8Array(sign(null, data, privateKey));
  if (algorithm === 'ecdsa-p256') return new Uint8Array(sign('sha256', data, { key: privateKey, dsaEncoding: 'der' }));
  throw new AppError('INVALID_INPUT', `release keys are Ed25519 or ECDSA P-256; this key is ${algorithm ?? privateKey.asymmetricKeyType ?? 'unknown'}`);
}

/** True when `signature` is a valid release signature over `data`; malformed signatures are simply false. */
export function verifyReleaseBytes(publicKey: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  const algorithm = keyAlgorithmOf(publicKey);
  try {
    if (algorithm === 'ed25519') return verify(null, data, publicKey, signature);
    if (algorithm === 'ecdsa-p256') return verify('sha256', data, { key: publicKey, dsaEncoding: 'der' }, signature);
    return false;
  } catch {
    // OpenSSL throws on some malformed encodings; a signature that cannot be decoded does not verify.
    return false;
  }
}

/** The public half of a private key, for key ids. */
export function publicKeyOf(privateKey: KeyObject): KeyObject {
  return createPublicKey(privateKey);
}
