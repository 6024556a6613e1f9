import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { keyAlgorithmOf, mcubootKeyHashOf } from '../keys/key-identity';
import { MCUBOOT_HEADER_BYTES, MCUBOOT_IMAGE_MAGIC, McubootTlv, TLV_INFO_BYTES, TLV_INFO_MAGIC, TLV_PROTECTED_INFO_MAGIC, type McubootVersion } from './mcuboot-layout';
import { signatureTlvType, signMcubootImage } from './mcuboot-signature';

export interface McubootTlvSpec {
  type: number;
  value: Uint8Array;
}

export interface McubootImageSpec {
  body: Uint8Array;
  version?: McubootVersion;
  /** Header area including padding; imgtool's default for Zephyr is 0x200. */
  headerBytes?: number;
  loadAddress?: number;
  flags?: number;
  /** Adds the protected security-counter TLV (anti-rollback). */
  securityCounter?: number;
  /** Private image key (Ed25519, ECDSA P-256, RSA-2048/3072): adds KEYHASH and the signature TLV. */
  signingKey?: KeyObject;
  /** `hash` writes KEYHASH (imgtool's default), `full` writes the public key as a PUBKEY TLV. */
  publicKeyFormat?: 'hash' | 'full';
}

/**
 * Builds an MCUboot image laid out as imgtool does (protocols.md §2): 32-byte header padded to
 * `headerBytes`, body, optional protected TLV area, then the unprotected area with SHA256, KEYHASH and
 * the signature. For tests and the device lab. Ed25519-signed images are reproducible byte for byte;
 * ECDSA and RSA-PSS signatures are randomized by their algorithms.
 */
export function buildMcubootImage(spec: McubootImageSpec): Uint8Array {
  const protectedTlvs = spec.securityCounter === undefined ? [] : [{ type: McubootTlv.securityCounter, value: u32(spec.securityCounter) }];
  return assembleMcubootImage({ ...spec, protectedTlvs, unprotectedTlvs: (region, digest) => signingTlvs(spec, region, digest) });
}

export interface McubootAssembly extends Omit<McubootImageSpec, 'signingKey' | 'securityCounter' | 'publicKeyFormat'> {
  protectedTlvs: McubootTlvSpec[];
  /** The unprotected TLVs, computed from the hashed region and its digest (SHA256 is not added for you). */
  unprotectedTlvs: (hashedRegion: Uint8Array, digest: Uint8Array) => McubootTlvSpec[];
  /** Overrides the header's protected-TLV size field (tests of inconsistent images). */
  protectedTlvBytesField?: number;
  /** Overrides the header's image-size field. */
  bodyBytesField?: number;
}

/** The low-level layout step, exported so tests can build images with any TLV set, valid or not. */
export function assembleMcubootImage(assembly: McubootAssembly): Uint8Array {
  const headerBytes = assembly.headerBytes ?? 0x200;
  if (headerBytes < MCUBOOT_HEADER_BYTES) throw new RangeError(`MCUboot header area must be at least ${MCUBOOT_HEADER_BYTES} bytes`);
  const protectedArea = assembly.protectedTlvs.length === 0 ? new Uint8Array(0) : tlvArea(TLV_PROTECTED_INFO_MAGIC, assembly.protectedTlvs);
  const version = assembly.version ?? { major: 1, minor: 0, revision: 0, build: 0 };
  const header = new Uint8Array(headerBytes);
  const view = new DataView(header.buffer);
  view.setUint32(0, MCUBOOT_IMAGE_MAGIC, true);
  view.setUint32(4, assembly.loadAddress ?? 0, true);
  view.setUint16(8, headerBytes, true);
  view.setUint16(10, assembly.protectedTlvBytesField ?? protectedArea.length, true);
  view.setUint32(12, assembly.bodyBytesField ?? assembly.body.length, true);
  view.setUint32(16, assembly.flags ?? 0, true);
  header[20] = version.major;
  header[21] = version.minor;
  view.setUint16(22, version.revision, true);
  view.setUint32(24, version.build, true);
  const region = new Uint8Array(Buffer.concat([header, assembly.body, protectedArea]));
  const digest = new Uint8Array(createHash('sha256').update(region).digest());
  return new Uint8Array(Buffer.concat([region, tlvArea(TLV_INFO_MAGIC, assembly.unprotectedTlvs(region, digest))]));
}

function signingTlvs(spec: McubootImageSpec, region: Uint8Array, digest: Uint8Array): McubootTlvSpec[] {
  const tlvs = [{ type: McubootTlv.sha256, value: digest }];
  if (!spec.signingKey) return tlvs;
  const algorithm = keyAlgorithmOf(spec.signingKey);
  if (algorithm === undefined) throw new RangeError('MCUboot image keys are Ed25519, ECDSA P-256 or RSA-2048/3072');
  const publicKey = createPublicKey(spec.signingKey);
  const keyTlv =
    spec.publicKeyFormat === 'full'
      ? { type: McubootTlv.publicKey, value: new Uint8Array(publicKey.export(algorithm.startsWith('rsa') ? { type: 'pkcs1', format: 'der' } : { type: 'spki', format: 'der' })) }
      : { type: McubootTlv.keyHash, value: new Uint8Array(Buffer.from(mcubootKeyHashOf(publicKey), 'hex')) };
  return [...tlvs, keyTlv, { type: signatureTlvType(algorithm), value: signMcubootImage(spec.signingKey, algorithm, region, digest) }];
}

/** A TLV area: info `{u16 magic, u16 total}` then `u16 type, u16 length, value` entries (protocols.md §2). */
export function tlvArea(magic: number, entries: readonly McubootTlvSpec[]): Uint8Array {
  const parts = entries.map((entry) => {
    const bytes = new Uint8Array(4 + entry.value.length);
    const view = new DataView(bytes.buffer);
    view.setUint16(0, entry.type, true);
    view.setUint16(2, entry.value.length, true);
    bytes.set(entry.value, 4);
    return bytes;
  });
  const body = Buffer.concat(parts);
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
