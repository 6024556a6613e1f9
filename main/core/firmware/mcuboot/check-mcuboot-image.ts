import { createHash } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { KeyAlgorithm } from '../keys/key-identity';
import { refusal, toHex } from '../firmware-refusal';
import { McubootTlv, SIGNATURE_TLV_ALGORITHM } from './mcuboot-layout';
import type { McubootImage, McubootTlvEntry } from './mcuboot-image-parser';
import { verifyMcubootSignature } from './mcuboot-signature';

/** A key that may have signed an image: a trust-store image key, or the `--key` of `image verify`. */
export interface ImageKeyCandidate {
  name: string;
  mcubootKeyHash: string;
  algorithm: KeyAlgorithm;
  publicKey: KeyObject;
}

export interface McubootCheck {
  /** The verified SHA-256 TLV value: what SMP image state reports as `hash`. */
  digestHex: string;
  signer: ImageKeyCandidate;
}

/**
 * Verifies a parsed MCUboot image (protocols.md §2): the SHA-256 TLV equals the digest of
 * `[0, header + body + protected TLVs)`, the KEYHASH (or PUBKEY) names one of `keys.usable`, and the
 * signature TLV of that key's type verifies. Refusal codes: IMAGE_INVALID, IMAGE_HASH_MISMATCH,
 * IMAGE_SIGNATURE_MISSING, IMAGE_KEY_REVOKED, IMAGE_KEY_UNKNOWN, IMAGE_SIGNATURE_INVALID.
 */
export function checkMcubootImage(bytes: Uint8Array, image: McubootImage, keys: { usable: ImageKeyCandidate[]; revoked: ImageKeyCandidate[] }): McubootCheck {
  const unprotected = image.tlvs.filter((entry) => !entry.isProtected);
  const misplaced = image.tlvs.find((entry) => entry.isProtected && entry.type !== McubootTlv.securityCounter && entry.type !== McubootTlv.dependency);
  if (misplaced) throw refusal('IMAGE_INVALID', 'MCUboot protected TLV area', `TLV 0x${misplaced.type.toString(16)} does not belong in the protected area`);
  const { region, digest } = checkMcubootDigest(bytes, image);
  const signatures = unprotected.filter((entry) => SIGNATURE_TLV_ALGORITHM.has(entry.type));
  if (signatures.length === 0) throw refusal('IMAGE_SIGNATURE_MISSING', 'MCUboot signature TLV', 'the image carries no ECDSA, Ed25519 or RSA-PSS signature');
  if (signatures.length > 1) throw refusal('IMAGE_INVALID', 'MCUboot signature TLV', `${signatures.length} signature TLVs; one is supported`);
  const signature = signatures[0]!;
  const keyHash = signingKeyHash(unprotected);
  const signer = keys.usable.find((key) => key.mcubootKeyHash === keyHash);
  if (!signer) {
    const revoked = keys.revoked.find((key) => key.mcubootKeyHash === keyHash);
    if (revoked) throw refusal('IMAGE_KEY_REVOKED', 'MCUboot KEYHASH', `the image is signed with revoked key "${revoked.name}"`, { keyHash });
    const known = keys.usable.map((key) => `${key.name} ${key.mcubootKeyHash.slice(0, 16)}…`).join(', ') || 'none';
    throw refusal('IMAGE_KEY_UNKNOWN', 'MCUboot KEYHASH', `key hash ${keyHash} is not an image key for this product (known: ${known})`, { keyHash });
  }
  const tlvAlgorithm = SIGNATURE_TLV_ALGORITHM.get(signature.type);
  if (tlvAlgorithm !== signer.algorithm) {
    throw refusal('IMAGE_SIGNATURE_INVALID', 'MCUboot signature TLV', `type 0x${signature.type.toString(16)} (${tlvAlgorithm}) does not fit key "${signer.name}" (${signer.algorithm})`);
  }
  if (!verifyMcubootSignature(signer.publicKey, signer.algorithm, region, digest, signature.value)) {
    throw refusal('IMAGE_SIGNATURE_INVALID', 'MCUboot signature TLV', `the ${signer.algorithm} signature does not verify with key "${signer.name}"`);
  }
  return { digestHex: toHex(digest), signer };
}

/** Checks the SHA-256 TLV against the digest of the hashed region (IMAGE_INVALID, IMAGE_HASH_MISMATCH). */
export function checkMcubootDigest(bytes: Uint8Array, image: McubootImage): { region: Uint8Array; digest: Uint8Array } {
  const stored = single(image.tlvs.filter((entry) => !entry.isProtected), McubootTlv.sha256, 'SHA256 TLV');
  if (stored?.value.length !== 32) throw refusal('IMAGE_INVALID', 'MCUboot SHA256 TLV', stored ? `${stored.value.length} bytes, expected 32` : 'missing');
  const region = bytes.subarray(0, image.hashedRegionEnd);
  const digest = new Uint8Array(createHash('sha256').update(region).digest());
  if (!Buffer.from(digest).equals(Buffer.from(stored.value))) {
    throw refusal('IMAGE_HASH_MISMATCH', 'MCUboot SHA256 TLV', `stores ${toHex(stored.value)} but the image hashes to ${toHex(digest)}`);
  }
  return { region, digest };
}

/** The signature TLV type and the signing key's hash, read without verifying anything (for inspection). */
export function describeMcubootSigning(image: McubootImage): { signatureType: number | undefined; keyHash: string | undefined } {
  const unprotected = image.tlvs.filter((entry) => !entry.isProtected);
  const signature = unprotected.find((entry) => SIGNATURE_TLV_ALGORITHM.has(entry.type));
  const keyHash = unprotected.find((entry) => entry.type === McubootTlv.keyHash);
  const publicKey = unprotected.find((entry) => entry.type === McubootTlv.publicKey);
  return {
    signatureType: signature?.type,
    keyHash: keyHash ? toHex(keyHash.value) : publicKey ? createHash('sha256').update(publicKey.value).digest('hex') : undefined,
  };
}

/** The signing key's hash from KEYHASH, or the SHA-256 of a PUBKEY TLV (imgtool `--public-key-format full`). */
function signingKeyHash(unprotected: McubootTlvEntry[]): string {
  const keyHash = single(unprotected, McubootTlv.keyHash, 'KEYHASH TLV');
  const publicKey = single(unprotected, McubootTlv.publicKey, 'PUBKEY TLV');
  if (keyHash && publicKey) throw refusal('IMAGE_INVALID', 'MCUboot KEYHASH', 'both KEYHASH and PUBKEY TLVs are present');
  if (keyHash) {
    if (keyHash.value.length !== 32) throw refusal('IMAGE_INVALID', 'MCUboot KEYHASH', `${keyHash.value.length} bytes, expected 32`);
    return toHex(keyHash.value);
  }
  if (publicKey) return createHash('sha256').update(publicKey.value).digest('hex');
  throw refusal('IMAGE_INVALID', 'MCUboot KEYHASH', 'no KEYHASH or PUBKEY TLV names the signing key');
}

function single(entries: McubootTlvEntry[], type: number, label: string): McubootTlvEntry | undefined {
  const found = entries.filter((entry) => entry.type === type);
  if (found.length > 1) throw refusal('IMAGE_INVALID', `MCUboot ${label}`, `appears ${found.length} times`);
  return found[0];
}
