import { createHash } from 'node:crypto';
import {
  formatImageVersion,
  IMAGE_HEADER_BYTES,
  IMAGE_MAGIC,
  TLV_INFO_BYTES,
  TLV_INFO_MAGIC,
  TLV_PROTECTED_INFO_MAGIC,
  TlvType,
  type ImageVersion,
} from './mcuboot-image-format';

/** Why the lab's bootloader or image manager refuses an image; maps onto img_mgmt error codes. */
export type ImageDefect = 'too-short' | 'bad-magic' | 'bad-layout' | 'no-hash' | 'hash-mismatch';

export interface McubootImageInfo {
  version: ImageVersion;
  versionText: string;
  headerBytes: number;
  bodyBytes: number;
  /** Size of the protected TLV area (0 if none); the hashed region ends after it. */
  protectedTlvBytes: number;
  /** The SHA-256 TLV value: what image state reports as `hash` (protocols.md §2). */
  hash: Uint8Array;
  tlvs: { type: number; value: Uint8Array; isProtected: boolean }[];
  /** The digest recomputed over header, body and protected TLVs. */
  digest: Uint8Array;
}

export type ImageReadResult = { ok: true; image: McubootImageInfo } | { ok: false; defect: ImageDefect };

/**
 * Reads and checks an MCUboot image (protocols.md §2): magic, layout, TLV areas, and that the SHA-256
 * TLV equals the digest over `[0, header + body + protected TLVs)`. Signatures: mcuboot-signature.ts.
 */
export function readMcubootImage(bytes: Uint8Array): ImageReadResult {
  if (bytes.length < IMAGE_HEADER_BYTES) return { ok: false, defect: 'too-short' };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== IMAGE_MAGIC) return { ok: false, defect: 'bad-magic' };
  const headerBytes = view.getUint16(8, true);
  const protectedBytes = view.getUint16(10, true);
  const bodyBytes = view.getUint32(12, true);
  const version = {
    major: bytes[20]!,
    minor: bytes[21]!,
    revision: view.getUint16(22, true),
    build: view.getUint32(24, true),
  };
  const tlvStart = headerBytes + bodyBytes;
  if (headerBytes < IMAGE_HEADER_BYTES || tlvStart + protectedBytes + TLV_INFO_BYTES > bytes.length)
    return { ok: false, defect: 'bad-layout' };
  const tlvs: McubootImageInfo['tlvs'] = [];
  let cursor = tlvStart;
  if (protectedBytes > 0) {
    const area = readTlvArea(bytes, cursor, TLV_PROTECTED_INFO_MAGIC, true);
    if (!area || area.end - cursor !== protectedBytes) return { ok: false, defect: 'bad-layout' };
    tlvs.push(...area.tlvs);
    cursor = area.end;
  }
  const unprotected = readTlvArea(bytes, cursor, TLV_INFO_MAGIC, false);
  if (!unprotected) return { ok: false, defect: 'bad-layout' };
  tlvs.push(...unprotected.tlvs);
  const hashes = tlvs.filter((entry) => entry.type === TlvType.sha256);
  if (hashes.length !== 1 || hashes[0]!.value.length !== 32) return { ok: false, defect: 'no-hash' };
  const digest = new Uint8Array(
    createHash('sha256')
      .update(bytes.subarray(0, tlvStart + protectedBytes))
      .digest(),
  );
  const hash = hashes[0]!.value;
  if (!Buffer.from(digest).equals(Buffer.from(hash))) return { ok: false, defect: 'hash-mismatch' };
  return {
    ok: true,
    image: {
      version,
      versionText: formatImageVersion(version),
      headerBytes,
      bodyBytes,
      protectedTlvBytes: protectedBytes,
      hash,
      tlvs,
      digest,
    },
  };
}

function readTlvArea(bytes: Uint8Array, start: number, magic: number, isProtected: boolean) {
  if (start + TLV_INFO_BYTES > bytes.length) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(start, true) !== magic) return undefined;
  const end = start + view.getUint16(start + 2, true);
  if (end > bytes.length) return undefined;
  const tlvs: McubootImageInfo['tlvs'] = [];
  for (let cursor = start + TLV_INFO_BYTES; cursor < end;) {
    if (cursor + 4 > end) return undefined;
    const type = view.getUint16(cursor, true);
    const length = view.getUint16(cursor + 2, true);
    if (cursor + 4 + length > end) return undefined;
    tlvs.push({ type, value: bytes.slice(cursor + 4, cursor + 4 + length), isProtected });
    cursor += 4 + length;
  }
  return { end, tlvs };
}
