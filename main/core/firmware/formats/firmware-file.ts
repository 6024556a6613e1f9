import type { KeyObject } from 'node:crypto';
import { AppError } from '../../../../shared/errors';
import { FIRMWARE_LIMITS } from '../firmware-limits';
import { refusal } from '../firmware-refusal';
import { keyAlgorithmOf, mcubootKeyHashOf } from '../keys/key-identity';
import { checkMcubootDigest, checkMcubootImage, describeMcubootSigning } from '../mcuboot/check-mcuboot-image';
import { formatMcubootVersion, MCUBOOT_IMAGE_MAGIC } from '../mcuboot/mcuboot-layout';
import { parseMcubootImage } from '../mcuboot/mcuboot-image-parser';
import { hasDfuSuffix, parseDfuSuffix, type DfuSuffix } from './dfu-suffix';
import { parseUf2File, UF2_MAGIC_START0, UF2_MAGIC_START1, type Uf2FileSummary } from './uf2-file';

export interface McubootFileReport {
  format: 'mcuboot';
  version: string;
  loadAddress: number;
  headerBytes: number;
  bodyBytes: number;
  flags: number;
  securityCounter: number | undefined;
  /** The SHA-256 TLV, checked against the image. */
  imageHash: string;
  signatureType: number | undefined;
  keyHash: string | undefined;
  tlvTypes: number[];
}

/** What `image inspect` reports; integrity (hash, CRC, block structure) is checked, signatures are not. */
export type FirmwareFileReport = { sizeBytes: number } & (McubootFileReport | ({ format: 'uf2' } & Uf2FileSummary) | ({ format: 'dfu' } & DfuSuffix));

/**
 * Recognises a bare firmware file by its own markers (MCUboot magic, UF2 start magics, DFU "UFD"
 * suffix) and checks its integrity, for a technician handed a file (issue item 4).
 */
export function inspectFirmwareFile(bytes: Uint8Array): FirmwareFileReport {
  if (bytes.length > FIRMWARE_LIMITS.imageFileBytes) {
    throw new AppError('PAYLOAD_TOO_LARGE', `file size: ${bytes.length} bytes exceeds the ${FIRMWARE_LIMITS.imageFileBytes}-byte limit`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const word = (offset: number): number | undefined => (bytes.length >= offset + 4 ? view.getUint32(offset, true) : undefined);
  if (word(0) === MCUBOOT_IMAGE_MAGIC) {
    const image = parseMcubootImage(bytes);
    const { digest } = checkMcubootDigest(bytes, image);
    return {
      format: 'mcuboot',
      sizeBytes: bytes.length,
      version: formatMcubootVersion(image.version),
      loadAddress: image.loadAddress,
      headerBytes: image.headerBytes,
      bodyBytes: image.bodyBytes,
      flags: image.flags,
      securityCounter: image.securityCounter,
      imageHash: Buffer.from(digest).toString('hex'),
      ...describeMcubootSigning(image),
      tlvTypes: image.tlvs.map((entry) => entry.type),
    };
  }
  if (word(0) === UF2_MAGIC_START0 && word(4) === UF2_MAGIC_START1) return { format: 'uf2', sizeBytes: bytes.length, ...parseUf2File(bytes) };
  if (hasDfuSuffix(bytes)) return { format: 'dfu', sizeBytes: bytes.length, ...parseDfuSuffix(bytes) };
  throw refusal('IMAGE_INVALID', 'file format', 'not an MCUboot image (magic 0x96f3b83d), a UF2 file (magics 0x0a324655 0x9e5d5157) or a DFU file ("UFD" suffix)');
}

/**
 * `image verify --key`: inspects, then for an MCUboot image checks that KEYHASH names `publicKey` and
 * the signature verifies with it (protocols.md §2). UF2 and DFU files carry no signature to check,
 * so they are refused with IMAGE_SIGNATURE_MISSING: only a signed bundle can vouch for them.
 */
export function verifyFirmwareFile(bytes: Uint8Array, publicKey: KeyObject): FirmwareFileReport {
  const report = inspectFirmwareFile(bytes);
  if (report.format !== 'mcuboot') {
    throw refusal('IMAGE_SIGNATURE_MISSING', 'signature', `${report.format === 'uf2' ? 'UF2' : 'DFU'} files carry no signature; only a signed bundle can vouch for one`);
  }
  const algorithm = keyAlgorithmOf(publicKey);
  if (algorithm === undefined) throw new AppError('INVALID_INPUT', '--key must be an Ed25519, ECDSA P-256 or RSA-2048/3072 public key');
  const candidate = { name: '--key', mcubootKeyHash: mcubootKeyHashOf(publicKey), algorithm, publicKey };
  checkMcubootImage(bytes, parseMcubootImage(bytes), { usable: [candidate], revoked: [] });
  return report;
}
