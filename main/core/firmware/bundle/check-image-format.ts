import { AppError } from '../../../../shared/errors';
import { hex32, refusal } from '../firmware-refusal';
import { parseDfuSuffix, type DfuSuffix } from '../formats/dfu-suffix';
import { parseUf2File, type Uf2FileSummary } from '../formats/uf2-file';
import type { ManifestImage } from '../manifest/manifest-schema';
import { checkMcubootImage } from '../mcuboot/check-mcuboot-image';
import { formatMcubootVersion } from '../mcuboot/mcuboot-layout';
import { parseMcubootImage } from '../mcuboot/mcuboot-image-parser';
import { productKeys, type TrustStore } from '../trust/trust-store';

/** What the format check learned about one image. */
export type ImageFormatFacts =
  | {
      format: 'mcuboot';
      version: string;
      /** The image's protected security counter TLV, when it has one. */
      securityCounter: number | undefined;
      /** The SHA-256 TLV: what SMP image state will report as `hash` once the image is on the device. */
      imageHash: string;
      signedBy: string;
    }
  | ({ format: 'uf2' } & Uf2FileSummary)
  | ({ format: 'dfu' } & DfuSuffix);

/**
 * Checks an image in the format its manifest entry declares (issue item 3): MCUboot images are parsed
 * and their SHA-256 TLV, KEYHASH and signature verified against the product's image keys
 * (protocols.md §2); UF2 files block by block (§4), and the UF2 must start at the manifest's address;
 * DFU files by their suffix and CRC (§3).
 */
export function checkImageFormat(image: ManifestImage, bytes: Uint8Array, product: string, store: TrustStore): ImageFormatFacts {
  try {
    return checkByProtocol(image, bytes, product, store);
  } catch (error: unknown) {
    if (!(error instanceof AppError)) throw error;
    throw new AppError(error.code, `${error.message} (in ${image.file})`, { details: { ...error.details, file: image.file }, cause: error });
  }
}

function checkByProtocol(image: ManifestImage, bytes: Uint8Array, product: string, store: TrustStore): ImageFormatFacts {
  switch (image.protocol) {
    case 'mcuboot': {
      const parsed = parseMcubootImage(bytes);
      const checked = checkMcubootImage(bytes, parsed, productKeys(store, product, 'image'));
      return {
        format: 'mcuboot',
        version: formatMcubootVersion(parsed.version),
        securityCounter: parsed.securityCounter,
        imageHash: checked.digestHex,
        signedBy: checked.signer.name,
      };
    }
    case 'uf2': {
      const summary = parseUf2File(bytes);
      if (summary.addressStart !== image.address) {
        const start = summary.addressStart === undefined ? 'nowhere (no main-flash block)' : hex32(summary.addressStart);
        throw refusal('IMAGE_INVALID', 'UF2 address', `blocks start at ${start}, the manifest says ${hex32(image.address)}`);
      }
      return { format: 'uf2', ...summary };
    }
    case 'dfu':
      return { format: 'dfu', ...parseDfuSuffix(bytes) };
  }
}
