import { constants, createHash, verify, type KeyObject } from 'node:crypto';
import { TlvType } from './mcuboot-image-format';
import type { McubootImageInfo } from './mcuboot-image-reader';

/**
 * MCUboot's signature check at boot (protocols.md §2): the KEYHASH TLV names the key (SHA-256 of its
 * SubjectPublicKeyInfo DER, or PKCS#1 DER for RSA); ECDSA P-256 and RSA-PSS sign the hashed region with
 * SHA-256, Ed25519 signs the 32-byte digest. True when one trusted key produced a valid signature.
 */
export function isSignedByTrustedKey(
  image: McubootImageInfo,
  hashedRegion: Uint8Array,
  trustedKeys: readonly KeyObject[],
): boolean {
  const keyHash = image.tlvs.find((entry) => entry.type === TlvType.keyHash && !entry.isProtected)?.value;
  if (!keyHash) return false;
  const key = trustedKeys.find((candidate) => Buffer.from(keyHashOf(candidate)).equals(Buffer.from(keyHash)));
  if (!key) return false;
  return image.tlvs.some(
    (entry) => !entry.isProtected && verifiesWith(entry.type, entry.value, key, image.digest, hashedRegion),
  );
}

function keyHashOf(key: KeyObject): Uint8Array {
  const der =
    key.asymmetricKeyType === 'rsa'
      ? key.export({ type: 'pkcs1', format: 'der' })
      : key.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest();
}

function verifiesWith(
  type: number,
  signature: Uint8Array,
  key: KeyObject,
  digest: Uint8Array,
  region: Uint8Array,
): boolean {
  try {
    switch (type) {
      case TlvType.ed25519:
        return key.asymmetricKeyType === 'ed25519' && verify(null, digest, key, signature);
      case TlvType.ecdsaP256:
        return key.asymmetricKeyType === 'ec' && verify('sha256', region, key, signature);
      case TlvType.rsa2048Pss:
      case TlvType.rsa3072Pss:
        return (
          key.asymmetricKeyType === 'rsa' &&
          verify(
            'sha256',
            region,
            { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
            signature,
          )
        );
      default:
        return false;
    }
  } catch {
    return false;
  }
}
