import { FIRMWARE_LIMITS } from '../firmware-limits';
import { hex32, refusal } from '../firmware-refusal';
import {
  IMAGE_F_ENCRYPTED_AES128,
  IMAGE_F_ENCRYPTED_AES256,
  MCUBOOT_HEADER_BYTES,
  MCUBOOT_IMAGE_MAGIC,
  McubootTlv,
  TLV_ENTRY_HEADER_BYTES,
  TLV_INFO_BYTES,
  TLV_INFO_MAGIC,
  TLV_PROTECTED_INFO_MAGIC,
  type McubootVersion,
} from './mcuboot-layout';

export interface McubootTlvEntry {
  type: number;
  /** Offset of the value in the image. */
  offset: number;
  value: Uint8Array;
  isProtected: boolean;
}

/** The structure of an MCUboot image; nothing here is verified beyond layout. */
export interface McubootImage {
  loadAddress: number;
  headerBytes: number;
  bodyBytes: number;
  protectedTlvBytes: number;
  flags: number;
  version: McubootVersion;
  /** End of the region the SHA-256 TLV covers: header + body + protected TLVs (protocols.md §2). */
  hashedRegionEnd: number;
  tlvs: McubootTlvEntry[];
  /** The protected security-counter TLV (anti-rollback), when present. */
  securityCounter: number | undefined;
}

/**
 * Parses an MCUboot image's layout (protocols.md §2): magic, header sizes, the optional protected TLV
 * area `{0x6908, total}` and the unprotected area `{0x6907, total}`, each TLV within its area, and no
 * byte after the last area. Truncation is IMAGE_TRUNCATED, anything else malformed IMAGE_INVALID.
 */
export function parseMcubootImage(bytes: Uint8Array): McubootImage {
  if (bytes.length < MCUBOOT_HEADER_BYTES) throw refusal('IMAGE_TRUNCATED', 'MCUboot header', `${bytes.length} bytes, a header needs ${MCUBOOT_HEADER_BYTES}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, true);
  if (magic !== MCUBOOT_IMAGE_MAGIC) throw refusal('IMAGE_INVALID', 'MCUboot magic', `${hex32(magic)} at offset 0, expected ${hex32(MCUBOOT_IMAGE_MAGIC)}`);
  const headerBytes = view.getUint16(8, true);
  const protectedTlvBytes = view.getUint16(10, true);
  const bodyBytes = view.getUint32(12, true);
  const flags = view.getUint32(16, true);
  if (headerBytes < MCUBOOT_HEADER_BYTES) throw refusal('IMAGE_INVALID', 'MCUboot header size', `${headerBytes} is smaller than the ${MCUBOOT_HEADER_BYTES}-byte header`);
  if (protectedTlvBytes !== 0 && protectedTlvBytes < TLV_INFO_BYTES) throw refusal('IMAGE_INVALID', 'MCUboot protected TLV size', `${protectedTlvBytes} is smaller than its info header`);
  if ((flags & (IMAGE_F_ENCRYPTED_AES128 | IMAGE_F_ENCRYPTED_AES256)) !== 0) {
    throw refusal('IMAGE_INVALID', 'MCUboot flags', `encrypted images (flags ${hex32(flags)}) cannot be checked before flashing; not supported yet`);
  }
  const tlvStart = headerBytes + bodyBytes;
  if (tlvStart + protectedTlvBytes + TLV_INFO_BYTES > bytes.length) {
    throw refusal('IMAGE_TRUNCATED', 'MCUboot image size', `header ${headerBytes} + body ${bodyBytes} + TLVs need more than the ${bytes.length} bytes present`);
  }
  const tlvs: McubootTlvEntry[] = [];
  if (protectedTlvBytes > 0) {
    const end = readTlvArea(bytes, view, tlvStart, TLV_PROTECTED_INFO_MAGIC, true, tlvs);
    if (end - tlvStart !== protectedTlvBytes) {
      throw refusal('IMAGE_INVALID', 'MCUboot protected TLV area', `its info says ${end - tlvStart} bytes, the header says ${protectedTlvBytes}`);
    }
  }
  const end = readTlvArea(bytes, view, tlvStart + protectedTlvBytes, TLV_INFO_MAGIC, false, tlvs);
  if (end !== bytes.length) throw refusal('IMAGE_INVALID', 'MCUboot image size', `${bytes.length - end} bytes follow the TLV area (padded or concatenated file)`);
  return {
    loadAddress: view.getUint32(4, true),
    headerBytes,
    bodyBytes,
    protectedTlvBytes,
    flags,
    version: { major: bytes[20] ?? 0, minor: bytes[21] ?? 0, revision: view.getUint16(22, true), build: view.getUint32(24, true) },
    hashedRegionEnd: tlvStart + protectedTlvBytes,
    tlvs,
    securityCounter: readSecurityCounter(tlvs),
  };
}

function readTlvArea(bytes: Uint8Array, view: DataView, start: number, magic: number, isProtected: boolean, into: McubootTlvEntry[]): number {
  const area = isProtected ? 'protected TLV area' : 'TLV area';
  if (start + TLV_INFO_BYTES > bytes.length) throw refusal('IMAGE_TRUNCATED', `MCUboot ${area}`, `the image ends at ${bytes.length}, before the TLV info at ${start}`);
  const found = view.getUint16(start, true);
  if (found !== magic) throw refusal('IMAGE_INVALID', `MCUboot ${area}`, `info magic 0x${found.toString(16)} at offset ${start}, expected 0x${magic.toString(16)}`);
  const total = view.getUint16(start + 2, true);
  const end = start + total;
  if (total < TLV_INFO_BYTES) throw refusal('IMAGE_INVALID', `MCUboot ${area}`, `total ${total} is smaller than its info header`);
  if (end > bytes.length) throw refusal('IMAGE_TRUNCATED', `MCUboot ${area}`, `declares ${total} bytes but the image ends ${bytes.length - start} bytes in`);
  for (let cursor = start + TLV_INFO_BYTES; cursor < end; ) {
    if (into.length >= FIRMWARE_LIMITS.mcubootTlvEntries) throw refusal('IMAGE_INVALID', `MCUboot ${area}`, `more than ${FIRMWARE_LIMITS.mcubootTlvEntries} TLVs`);
    if (cursor + TLV_ENTRY_HEADER_BYTES > end) throw refusal('IMAGE_INVALID', `MCUboot ${area}`, `a TLV header at offset ${cursor} crosses the end of the area`);
    const type = view.getUint16(cursor, true);
    const length = view.getUint16(cursor + 2, true);
    const valueStart = cursor + TLV_ENTRY_HEADER_BYTES;
    if (valueStart + length > end) throw refusal('IMAGE_INVALID', `MCUboot ${area}`, `TLV 0x${type.toString(16)} at offset ${cursor} is ${length} bytes, past the end of the area`);
    into.push({ type, offset: valueStart, value: bytes.subarray(valueStart, valueStart + length), isProtected });
    cursor = valueStart + length;
  }
  return end;
}

/** The security counter must be one protected u32 (MCUboot only trusts it when it is hashed). */
function readSecurityCounter(tlvs: McubootTlvEntry[]): number | undefined {
  const counters = tlvs.filter((entry) => entry.type === McubootTlv.securityCounter);
  if (counters.length === 0) return undefined;
  const [counter] = counters;
  if (counters.length > 1 || !counter?.isProtected || counter.value.length !== 4) {
    throw refusal('IMAGE_INVALID', 'MCUboot security counter TLV', 'must appear once, 4 bytes, in the protected area');
  }
  return new DataView(counter.value.buffer, counter.value.byteOffset, 4).getUint32(0, true);
}
