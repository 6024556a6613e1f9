import type { KeyObject } from 'node:crypto';
import { writeBundleArchive, type TarEntrySpec } from '../archive/tar-writer';
import { BUNDLE_ENVELOPE_ENTRY } from '../bundle/bundle-layout';
import { createBundle, signBundle, type BundleImageSource, type ReleaseDescription } from '../bundle/create-bundle';
import type { DeviceFacts } from '../bundle/device-fit';
import { encodeDsseEnvelope, MANIFEST_PAYLOAD_TYPE, preAuthenticationEncoding } from '../envelope/dsse-envelope';
import { keyIdOf } from '../keys/key-identity';
import { publicKeyOf, signReleaseBytes } from '../keys/release-signature';
import { buildMcubootImage, type McubootImageSpec } from '../mcuboot/mcuboot-image-builder';
import { TEST_PRODUCT, type TestKey } from './test-keyring';

/** The station clock of every bundle test. */
export const TEST_NOW = new Date('2025-06-01T12:00:00Z');
export const TEST_HARDWARE_ID = 'acme-sensor-nrf52840';
export const MCUBOOT_SLOT_BYTES = 512 * 1024;

export function testRelease(overrides: Partial<ReleaseDescription> = {}): ReleaseDescription {
  return {
    product: TEST_PRODUCT,
    hardware: [{ id: TEST_HARDWARE_ID, revisions: ['A', 'B'] }],
    version: '1.4.0',
    securityCounter: 5,
    channel: 'stable',
    issuedAt: '2025-05-01T00:00:00Z',
    expiresAt: '2026-05-01T00:00:00Z',
    ...overrides,
  };
}

export function testDevice(overrides: Partial<DeviceFacts> = {}): DeviceFacts {
  return {
    hardwareId: TEST_HARDWARE_ID,
    hardwareRevision: 'B',
    securityCounter: 3,
    slotSizes: { 0: MCUBOOT_SLOT_BYTES, 1: MCUBOOT_SLOT_BYTES },
    flashRegions: [
      { startAddress: 0x0000_0000, sizeBytes: 1024 * 1024 },
      { startAddress: 0x1000_0000, sizeBytes: 16 * 1024 * 1024 },
    ],
    ...overrides,
  };
}

/** Reproducible pseudo-random bytes (xorshift32), so every corpus run builds the same inputs. */
export function deterministicBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed >>> 0 || 1;
  for (let index = 0; index < length; index += 1) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[index] = state & 0xff;
  }
  return bytes;
}

/** A signed MCUboot image with a deterministic body. */
export function testMcubootImage(signingKey: TestKey, options: Partial<McubootImageSpec> & { bodyBytes?: number; seed?: number } = {}): Uint8Array {
  const { bodyBytes = 4096, seed = 1, ...spec } = options;
  return buildMcubootImage({ body: deterministicBytes(bodyBytes, seed), version: { major: 1, minor: 4, revision: 0, build: 0 }, securityCounter: 5, signingKey: signingKey.privateKey, ...spec });
}

/** An MCUboot image source for slot 1 under `images/app.bin`. */
export function mcubootSource(bytes: Uint8Array, file = 'images/app.bin', slot = 1): BundleImageSource {
  return { file, protocol: 'mcuboot', slot, bytes };
}

/** createBundle + signBundle with each signer in turn. */
export function signedBundle(release: ReleaseDescription, images: BundleImageSource[], signers: TestKey[]): Uint8Array {
  return signers.reduce((bundle, signer) => signBundle(bundle, signer.privateKey), createBundle(release, images));
}

/**
 * A bundle assembled by hand from any payload (valid or not), signed with the given keys over the
 * exact payload bytes, with any archive entries after the envelope: how the corpus builds bundles
 * that createBundle would refuse to make.
 */
export function handmadeBundle(payload: Uint8Array | object, signers: readonly KeyObject[], entries: readonly TarEntrySpec[], payloadType = MANIFEST_PAYLOAD_TYPE): Uint8Array {
  const payloadBytes = payload instanceof Uint8Array ? payload : new Uint8Array(Buffer.from(JSON.stringify(payload), 'utf8'));
  const signed = preAuthenticationEncoding(payloadType, payloadBytes);
  const signatures = signers.map((privateKey) => ({ keyId: keyIdOf(publicKeyOf(privateKey)), signature: signReleaseBytes(privateKey, signed) }));
  const envelope = encodeDsseEnvelope({ payloadType, payload: payloadBytes, signatures });
  return writeBundleArchive([{ name: BUNDLE_ENVELOPE_ENTRY, data: envelope }, ...entries]);
}
