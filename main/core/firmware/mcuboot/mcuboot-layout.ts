/** MCUboot image format constants (protocols.md §2; MCUboot `image.h`). All fields little-endian. */
export const MCUBOOT_IMAGE_MAGIC = 0x96f3b83d;
export const MCUBOOT_HEADER_BYTES = 32;
export const TLV_INFO_MAGIC = 0x6907;
export const TLV_PROTECTED_INFO_MAGIC = 0x6908;
export const TLV_INFO_BYTES = 4;
export const TLV_ENTRY_HEADER_BYTES = 4;

export const McubootTlv = {
  keyHash: 0x01,
  publicKey: 0x02,
  sha256: 0x10,
  rsa2048Pss: 0x20,
  ecdsaP256: 0x22,
  rsa3072Pss: 0x23,
  ed25519: 0x24,
  dependency: 0x40,
  securityCounter: 0x50,
} as const;

/** Signature TLV types and the key algorithm each one needs. */
export const SIGNATURE_TLV_ALGORITHM = new Map<number, 'rsa-2048' | 'ecdsa-p256' | 'rsa-3072' | 'ed25519'>([
  [McubootTlv.rsa2048Pss, 'rsa-2048'],
  [McubootTlv.ecdsaP256, 'ecdsa-p256'],
  [McubootTlv.rsa3072Pss, 'rsa-3072'],
  [McubootTlv.ed25519, 'ed25519'],
]);

/** Header flags this verifier cannot check: encrypted bodies hash their plaintext (MCUboot `image.h`). */
export const IMAGE_F_ENCRYPTED_AES128 = 0x04;
export const IMAGE_F_ENCRYPTED_AES256 = 0x08;

export interface McubootVersion {
  major: number;
  minor: number;
  revision: number;
  build: number;
}

/** `major.minor.revision`, plus `+build` when build is not 0 (imgtool's spelling). */
export function formatMcubootVersion(version: McubootVersion): string {
  const base = `${version.major}.${version.minor}.${version.revision}`;
  return version.build === 0 ? base : `${base}+${version.build}`;
}
