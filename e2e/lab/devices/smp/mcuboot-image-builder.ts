import { createHash, createPublicKey, sign, type KeyObject } from 'node:crypto';
import {
  IMAGE_HEADER_BYTES,
  IMAGE_MAGIC,
  TLV_INFO_BYTES,
  TLV_INFO_MAGIC,
  TLV_PROTECTED_INFO_MAGIC,
  TlvType,
  type ImageVersion,
} from './mcuboot-image-format';

export interface McubootImageSpec {
  version: ImageVersion;
  body: Uint8Array;
  /** Header area including padding; imgtool's default for Zephyr is 0x200. */
  headerBytes?: number;
  loadAddress?: number;
  /** Adds a protected security-counter TLV (anti-rollback). */
  securityCounter?: number;
  /**
   * Private key: adds KEYHASH and a signature (protocols.md §2). Ed25519 signs the 32-byte digest,
   * ECDSA P-256 signs the hashed region with SHA-256 (DER `SEQUENCE{r,s}`).
   */
  signingKey?: KeyObject;
}

/**
 * Builds an MCUboot image the way imgtool lays it out (protocols.md §2): 32-byte header, padding, body,
 * optional protected TLV area, then the unprotected area with the SHA-256 TLV (and KEYHASH + signature).
 * The lab uses it for its factory firmware and tests use it for upload payloads.
 */
export function buildMcubootImage(spec: McubootImageSpec): Uint8Array {
  const headerBytes = spec.headerBytes ?? 0x200;
  if (headerBytes < IMAGE_HEADER_BYTES)
    throw new Error(`MCUboot header area must be at least ${IMAGE_HEADER_BYTES} bytes`);
  const protectedArea =
    spec.securityCounter === undefined
      ? new Uint8Array(0)
      : tlvArea(TLV_PROTECTED_INFO_MAGIC, [tlv(TlvType.securityCounter, u32(spec.securityCounter))]);
  const header = new Uint8Array(headerBytes);
  const view = new DataView(header.buffer);
  view.setUint32(0, IMAGE_MAGIC, true);
  view.setUint32(4, spec.loadAddress ?? 0, true);
  view.setUint16(8, headerBytes, true);
  view.setUint16(10, protectedArea.length, true);
  view.setUint32(12, spec.body.length, true);
  view.setUint32(16, 0, true);
  header[20] = spec.version.major;
  header[21] = spec.version.minor;
  view.setUint16(22, spec.version.revision, true);
  view.setUint32(24, spec.version.build, true);
  const hashed = Buffer.concat([header, spec.body, protectedArea]);
  const digest = createHash('sha256').update(hashed).digest();
  const entries = [tlv(TlvType.sha256, digest)];
  const key = spec.signingKey;
  if (key) {
    const publicKeyDer = createPublicKey(key).export({ type: 'spki', format: 'der' });
    entries.push(tlv(TlvType.keyHash, createHash('sha256').update(publicKeyDer).digest()));
    if (key.asymmetricKeyType === 'ed25519') entries.push(tlv(TlvType.ed25519, sign(null, digest, key)));
    else if (key.asymmetricKeyType === 'ec')
      entries.push(tlv(TlvType.ecdsaP256, sign('sha256', hashed, key)));
    else throw new Error(`The lab signs with Ed25519 or ECDSA P-256 keys, not ${key.asymmetricKeyType}`);
  }
  return new Uint8Array(Buffer.concat([hashed, tlvArea(TLV_INFO_MAGIC, entries)]));
}

function tlv(type: number, value: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(4 + value.length);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, type, true);
  view.setUint16(2, value.length, true);
  bytes.set(value, 4);
  return bytes;
}

function tlvArea(magic: number, entries: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(entries);
  const info = new Uint8Array(TLV_INFO_BYTES);
  const view = new DataView(info.buffer);
  view.setUint16(0, magic, true);
  view.setUint16(2, TLV_INFO_BYTES + body.length, true);
  return new Uint8Array(Buffer.concat([info, body]));
}

function u32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value, true);
  return bytes;
}
