import { createHash } from 'node:crypto';
import { AppError } from '../../../../shared/errors';
import { refusal } from '../firmware-refusal';
import type { KeyAlgorithm } from '../keys/key-identity';
import type { Manifest } from '../manifest/manifest-schema';
import type { TrustStore } from '../trust/trust-store';
import { checkBundleContents, type VerifiedImage } from './check-bundle-contents';
import { checkImagesFitDevice, checkManifestFitsDevice, type DeviceFacts } from './device-fit';
import { openAuthenticBundle } from './open-bundle';

/** A bundle that passed every check: what may be written, and the evidence for the ledger. */
export interface VerifiedBundle {
  manifest: Manifest;
  /** The release keys whose signatures counted. */
  signedBy: { name: string; keyId: string; algorithm: KeyAlgorithm; isDevelopment: boolean }[];
  images: VerifiedImage[];
  /** SHA-256 of the whole bundle file, hex. */
  bundleSha256: string;
}

export interface BundleCheckOptions {
  trustStore: TrustStore;
  /** The station's clock, injected so the check stays pure. */
  now: Date;
}

export interface DeviceBundleCheckOptions extends BundleCheckOptions {
  device: DeviceFacts;
  /** The highest security counter the ledger recorded for this device, or null if none. */
  ledgerSecurityCounter: number | null;
}

/**
 * THE check before flashing: pure (no I/O, no clock, no globals), synchronous, and it returns only when
 * every check passed; otherwise it throws an AppError whose code and message name the failed check
 * (README.md lists them in order). The flashing code writes `images[i].bytes` and nothing else.
 */
export function verifyBundleForDevice(bundleBytes: Uint8Array, options: DeviceBundleCheckOptions): VerifiedBundle {
  const bundle = openAuthenticBundle(bundleBytes, options.trustStore);
  checkExpiry(bundle.manifest, options.now);
  checkManifestFitsDevice(bundle.manifest, options.device, options.ledgerSecurityCounter);
  const images = checkBundleContents(bundle, options.trustStore);
  checkImagesFitDevice(images, options.device, options.ledgerSecurityCounter);
  return describe(bundleBytes, bundle.manifest, bundle.signers, images);
}

/** The same checks without a device (authenticity, expiry, contents): `bundle verify` with no device flags. */
export function verifyBundle(bundleBytes: Uint8Array, options: BundleCheckOptions): VerifiedBundle {
  const bundle = openAuthenticBundle(bundleBytes, options.trustStore);
  checkExpiry(bundle.manifest, options.now);
  const images = checkBundleContents(bundle, options.trustStore);
  return describe(bundleBytes, bundle.manifest, bundle.signers, images);
}

function checkExpiry(manifest: Manifest, now: Date): void {
  const nowMs = now.getTime();
  if (!Number.isFinite(nowMs)) throw new AppError('INVALID_INPUT', 'bundle check: `now` is not a valid date');
  if (nowMs >= Date.parse(manifest.expiresAt)) {
    throw refusal('BUNDLE_EXPIRED', 'expiry', `the release expired at ${manifest.expiresAt}; it is now ${now.toISOString()}`);
  }
}

function describe(bytes: Uint8Array, manifest: Manifest, signers: VerifiedBundle['signedBy'], images: VerifiedImage[]): VerifiedBundle {
  return {
    manifest,
    signedBy: signers.map(({ name, keyId, algorithm, isDevelopment }) => ({ name, keyId, algorithm, isDevelopment })),
    images,
    bundleSha256: createHash('sha256').update(bytes).digest('hex'),
  };
}
