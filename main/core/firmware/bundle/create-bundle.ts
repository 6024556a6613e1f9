import { createHash, type KeyObject } from 'node:crypto';
import { writeBundleArchive } from '../archive/tar-writer';
import { encodeDsseEnvelope, MANIFEST_PAYLOAD_TYPE, preAuthenticationEncoding } from '../envelope/dsse-envelope';
import { keyIdOf } from '../keys/key-identity';
import { publicKeyOf, signReleaseBytes } from '../keys/release-signature';
import type { Manifest, ManifestImage } from '../manifest/manifest-schema';
import { parseManifest } from '../manifest/parse-manifest';
import { BUNDLE_ENVELOPE_ENTRY } from './bundle-layout';
import { readEnvelopeAndFiles } from './open-bundle';

/** The release facts a publisher writes; sizes and hashes are computed from the images. */
export type ReleaseDescription = Omit<Manifest, 'images' | 'schemaVersion'>;

/** One image to put in a bundle: its manifest entry without size and hash, plus its bytes. */
export type BundleImageSource = DistributiveOmit<ManifestImage, 'sizeBytes' | 'sha256'> & { bytes: Uint8Array };
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * Creates an unsigned bundle: the manifest (with each image's size and SHA-256 filled in, and checked
 * by the same parser the verifier uses) in a DSSE envelope with no signatures, then the images.
 */
export function createBundle(release: ReleaseDescription, images: readonly BundleImageSource[]): Uint8Array {
  const manifest: Manifest = {
    schemaVersion: 1,
    ...release,
    images: images.map(({ bytes, ...entry }) => ({ ...entry, sizeBytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') })),
  };
  const payload = new Uint8Array(Buffer.from(JSON.stringify(manifest), 'utf8'));
  parseManifest(payload);
  const envelope = encodeDsseEnvelope({ payloadType: MANIFEST_PAYLOAD_TYPE, payload, signatures: [] });
  return writeBundleArchive([{ name: BUNDLE_ENVELOPE_ENTRY, data: envelope }, ...images.map((image) => ({ name: image.file, data: image.bytes }))]);
}

/**
 * Adds (or replaces) one release key's DSSE signature. The archive and manifest are read with the
 * verifier's own parsers first, so a key never signs something the verifier would refuse to read.
 */
export function signBundle(bundleBytes: Uint8Array, privateKey: KeyObject): Uint8Array {
  const { envelope, files, order } = readEnvelopeAndFiles(bundleBytes);
  parseManifest(envelope.payload);
  const keyId = keyIdOf(publicKeyOf(privateKey));
  const signature = signReleaseBytes(privateKey, preAuthenticationEncoding(envelope.payloadType, envelope.payload));
  const signatures = [...envelope.signatures.filter((entry) => entry.keyId !== keyId), { keyId, signature }];
  const encoded = encodeDsseEnvelope({ ...envelope, signatures });
  return writeBundleArchive([{ name: BUNDLE_ENVELOPE_ENTRY, data: encoded }, ...order.map((name) => ({ name, data: files.get(name) ?? new Uint8Array(0) }))]);
}
