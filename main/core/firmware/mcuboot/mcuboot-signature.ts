import { constants, sign, verify, type KeyObject } from 'node:crypto';
import type { KeyAlgorithm } from '../keys/key-identity';
import { McubootTlv } from './mcuboot-layout';

/** PSS parameters MCUboot uses: MGF1-SHA256, salt length 32 (protocols.md §2). */
const RSA_PSS = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } as const;

/** The signature TLV type for a key algorithm. */
export function signatureTlvType(algorithm: KeyAlgorithm): number {
  switch (algorithm) {
    case 'ed25519':
      return McubootTlv.ed25519;
    case 'ecdsa-p256':
      return McubootTlv.ecdsaP256;
    case 'rsa-2048':
      return McubootTlv.rsa2048Pss;
    case 'rsa-3072':
      return McubootTlv.rsa3072Pss;
  }
}

/**
 * Signs an image the way imgtool does (protocols.md §2): Ed25519 over the 32-byte digest; ECDSA P-256
 * (DER) and RSA-PSS over the hashed region with SHA-256.
 */
export function signMcubootImage(privateKey: KeyObject, algorithm: KeyAlgorithm, hashedRegion: Uint8Array, digest: Uint8Array): Uint8Array {
  if (algorithm === 'ed25519') return new Uint8Array(sign(null, digest, privateKey));
  if (algorithm === 'ecdsa-p256') return new Uint8Array(sign('sha256', hashedRegion, { key: privateKey, dsaEncoding: 'der' }));
  return new Uint8Array(sign('sha256', hashedRegion, { key: privateKey, ...RSA_PSS }));
}

/** Verifies a signature TLV value; anything malformed is simply false. */
export function verifyMcubootSignature(publicKey: KeyObject, algorithm: KeyAlgorithm, hashedRegion: Uint8Array, digest: Uint8Array, signature: Uint8Array): boolean {
  try {
    if (algorithm === 'ed25519') return verify(null, digest, publicKey, signature);
    if (algorithm === 'ecdsa-p256') {
      const der = trimDerPadding(signature);
      return der !== undefined && verify('sha256', hashedRegion, { key: publicKey, dsaEncoding: 'der' }, der);
    }
    return verify('sha256', hashedRegion, { key: publicKey, ...RSA_PSS }, signature);
  } catch {
    // OpenSSL throws on some malformed encodings; a signature that cannot be decoded does not verify.
    return false;
  }
}

/**
 * Older imgtool versions pad ECDSA signatures with zeros to 72 bytes; MCUboot reads the DER length.
 * Returns the DER `SEQUENCE` alone when everything after it is zero, else undefined.
 */
function trimDerPadding(signature: Uint8Array): Uint8Array | undefined {
  if (signature.length < 2 || signature[0] !== 0x30) return undefined;
  const length = signature[1] ?? 0;
  if (length >= 0x80) return undefined;
  const end = 2 + length;
  if (end > signature.length) return undefined;
  for (let index = end; index < signature.length; index += 1) if (signature[index] !== 0) return undefined;
  return signature.subarray(0, end);
}
