/**
 * MCUboot image format constants (protocols.md §2). The numbers are the app's own
 * (main/core/firmware/mcuboot/mcuboot-layout.ts), under the lab's names; the lab's reader, builder and
 * bootloader logic stay its own, so they check the app's firmware code rather than repeat it.
 */
export {
  MCUBOOT_IMAGE_MAGIC as IMAGE_MAGIC,
  MCUBOOT_HEADER_BYTES as IMAGE_HEADER_BYTES,
  TLV_INFO_MAGIC,
  TLV_PROTECTED_INFO_MAGIC,
  TLV_INFO_BYTES,
  McubootTlv as TlvType,
} from '../../../../main/core/firmware/mcuboot/mcuboot-layout';

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
