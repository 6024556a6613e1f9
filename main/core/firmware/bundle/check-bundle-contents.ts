import { createHash } from 'node:crypto';
import { refusal } from '../firmware-refusal';
import type { ManifestImage } from '../manifest/manifest-schema';
import type { TrustStore } from '../trust/trust-store';
import { checkImageFormat, type ImageFormatFacts } from './check-image-format';
import type { AuthenticBundle } from './open-bundle';

/** One image that passed every check: the bytes to send, and what they are. */
export type VerifiedImage = ManifestImage & {
  /** Exactly the signed bytes: a private copy, hashed after copying, so a caller reusing its buffer cannot change them. */
  bytes: Uint8Array;
  facts: ImageFormatFacts;
};

/**
 * Matches the archive against the signed manifest: every listed image present and nothing else
 * (BUNDLE_IMAGE_MISSING, BUNDLE_EXTRA_ENTRY), each exactly its signed size (BUNDLE_TRUNCATED,
 * BUNDLE_PADDED) and SHA-256 (BUNDLE_HASH_MISMATCH), then each image's own format checks.
 */
export function checkBundleContents(bundle: AuthenticBundle, store: TrustStore): VerifiedImage[] {
  const { manifest, files } = bundle;
  for (const image of manifest.images) {
    if (!files.has(image.file)) throw refusal('BUNDLE_IMAGE_MISSING', 'contents', `${image.file} is listed in the manifest but not in the archive`, { file: image.file });
  }
  const listed = new Set(manifest.images.map((image) => image.file));
  for (const name of files.keys()) {
    if (!listed.has(name)) throw refusal('BUNDLE_EXTRA_ENTRY', 'contents', `${name} is in the archive but not in the signed manifest`, { file: name });
  }
  const verified: VerifiedImage[] = [];
  for (const image of manifest.images) {
    const bytes = (files.get(image.file) ?? new Uint8Array(0)).slice();
    if (bytes.length < image.sizeBytes) {
      throw refusal('BUNDLE_TRUNCATED', 'image size', `${image.file} is ${bytes.length} bytes, the manifest signs ${image.sizeBytes}`, { file: image.file });
    }
    if (bytes.length > image.sizeBytes) {
      throw refusal('BUNDLE_PADDED', 'image size', `${image.file} is ${bytes.length} bytes, the manifest signs ${image.sizeBytes}`, { file: image.file });
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== image.sha256) {
      throw refusal('BUNDLE_HASH_MISMATCH', 'image hash', `${image.file} hashes to ${sha256}, the manifest signs ${image.sha256}`, { file: image.file });
    }
    verified.push({ ...image, bytes, facts: checkImageFormat(image, bytes, manifest.product, store) });
  }
  return verified;
}
