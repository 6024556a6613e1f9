import type { KeyObject } from 'node:crypto';
import type { TarEntrySpec } from '../../archive/tar-writer';
import type { BundleImageSource, ReleaseDescription } from '../../bundle/create-bundle';
import { MANIFEST_PAYLOAD_TYPE } from '../../envelope/dsse-envelope';
import type { Manifest } from '../../manifest/manifest-schema';
import { handmadeBundle, mcubootSource, signedBundle, testMcubootImage, testRelease } from '../bundle-fixture';
import type { TestKey, TestKeyring } from '../test-keyring';
import { createHash } from 'node:crypto';

/** Shared material for building corpus cases: keys, a valid image and bundle, and builders. */
export interface CorpusContext {
  keys: TestKeyring;
  /** A 4 KiB-body MCUboot image signed by the product's Ed25519 image key. */
  image: Uint8Array;
  /** A valid bundle: testRelease(), that image at images/app.bin slot 1, signed by the Ed25519 release key. */
  bundle: Uint8Array;
  /** The manifest of `bundle` as a plain object, for handmade variants. */
  manifest: Manifest;
  sign: (release: ReleaseDescription, images: BundleImageSource[], signers?: TestKey[]) => Uint8Array;
  /** A bundle from any manifest object or payload bytes, signed by the trusted Ed25519 release key. */
  handmade: (payload: object | Uint8Array, entries?: readonly TarEntrySpec[], signers?: readonly KeyObject[], payloadType?: string) => Uint8Array;
}

export function createCorpusContext(keys: TestKeyring): CorpusContext {
  const image = testMcubootImage(keys.imageEd25519);
  const release = testRelease();
  const manifest: Manifest = {
    schemaVersion: 1,
    ...release,
    images: [{ file: 'images/app.bin', protocol: 'mcuboot', slot: 1, sizeBytes: image.length, sha256: createHash('sha256').update(image).digest('hex') }],
  };
  return {
    keys,
    image,
    bundle: signedBundle(release, [mcubootSource(image)], [keys.releaseEd25519]),
    manifest,
    sign: (releaseDescription, images, signers = [keys.releaseEd25519]) => signedBundle(releaseDescription, images, signers),
    handmade: (payload, entries = [{ name: 'images/app.bin', data: image }], signers = [keys.releaseEd25519.privateKey], payloadType = MANIFEST_PAYLOAD_TYPE) =>
      handmadeBundle(payload, signers, entries, payloadType),
  };
}

/** The manifest object with each image's size and hash computed for `bytes` (one image at images/app.bin). */
export function manifestFor(context: CorpusContext, bytes: Uint8Array, overrides: Partial<Manifest> = {}): Manifest {
  const [first] = context.manifest.images;
  return {
    ...context.manifest,
    images: [{ ...first!, sizeBytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }],
    ...overrides,
  };
}
