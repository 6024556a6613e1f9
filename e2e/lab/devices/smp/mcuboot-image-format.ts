/** MCUboot image format constants (protocols.md §2; MCUboot `image.h`). All fields little-endian. */
export const IMAGE_MAGIC = 0x96f3b83d;
export const IMAGE_HEADER_BYTES = 32;
export const TLV_INFO_MAGIC = 0x6907;
export const TLV_PROTECTED_INFO_MAGIC = 0x6908;
export const TLV_INFO_BYTES = 4;

export const TlvType = {
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

export interface ImageVersion {
  major: number;
  minor: number;
  revision: number;
  build: number;
}

/** Zephyr's `img_mgmt_ver_str`: `major.minor.revision`, plus `.build` when build is not 0. */
export function formatImageVersion(version: ImageVersion): string {
  const base = `${version.major}.${version.minor}.${version.revision}`;
  return version.build === 0 ? base : `${base}.${version.build}`;
}

/** Parses `1.2.3` or `1.2.3+4` / `1.2.3.4` (imgtool's spellings) into an ImageVersion. */
export function parseImageVersion(text: string): ImageVersion {
  const match = /^(\d+)\.(\d+)\.(\d+)(?:[.+](\d+))?$/.exec(text);
  if (!match) throw new Error(`"${text}" is not an image version like 1.2.3 or 1.2.3+4`);
  return {
    major: Number(match[1]),
    minor: Number(match[2]),
    revision: Number(match[3]),
    build: Number(match[4] ?? 0),
  };
}

/** -1, 0 or 1, comparing major, minor, revision, then build (MCUboot's downgrade check). */
export function compareImageVersions(a: ImageVersion, b: ImageVersion): number {
  for (const key of ['major', 'minor', 'revision', 'build'] as const) {
    if (a[key] !== b[key]) return a[key] < b[key] ? -1 : 1;
  }
  return 0;
}
