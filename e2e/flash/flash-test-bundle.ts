import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDfuFile } from '../../main/core/drivers/dfu/dfu-suffix';
import { buildUf2File } from '../../main/core/drivers/uf2/uf2-file-builder';
import { buildMcubootImage, createBundle, signBundle } from '../../main/core/firmware';

const DEV_KEYS = fileURLToPath(new URL('../../resources/dev-keys/', import.meta.url));

/** A development key from resources/dev-keys (DEVELOPMENT ONLY: their private halves are public). */
export function devKey(name: string): KeyObject {
  return createPrivateKey(readFileSync(join(DEV_KEYS, `${name}.private.pem`), 'utf8'));
}

export interface LabBundleOptions {
  version: string;
  bodyBytes?: number;
  securityCounter?: number;
  /** The release's hardware id; the lab's model by default. */
  hardwareId?: string;
  expiresAt?: string;
  imageKey?: KeyObject;
}

/**
 * A signed release bundle for lab SMP devices (model `fieldline-lab-nrf52840`, revision A), its image
 * signed with the development image key and the manifest with the development release key, so the
 * development trust store (the CLI's default) accepts it.
 */
export function labBundle(options: LabBundleOptions): { bytes: Uint8Array; image: Uint8Array } {
  const [major = 0, minor = 0, revision = 0] = options.version.split('.').map(Number);
  const body = new Uint8Array(options.bodyBytes ?? 24_000).map(
    (_, index) => (index * 5 + major * 17 + minor) & 0xff,
  );
  const securityCounter = options.securityCounter ?? 1;
  const image = buildMcubootImage({
    body,
    version: { major, minor, revision, build: 0 },
    securityCounter,
    signingKey: options.imageKey ?? devKey('dev-image-ed25519'),
  });
  const now = Date.now();
  const unsigned = createBundle(
    {
      product: 'fieldline-lab-nrf52840',
      hardware: [{ id: options.hardwareId ?? 'fieldline-lab-nrf52840', revisions: ['A', 'B'] }],
      version: options.version,
      securityCounter,
      channel: 'stable',
      issuedAt: new Date(now - 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      expiresAt:
        options.expiresAt ?? new Date(now + 365 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    },
    [{ file: 'images/app.bin', protocol: 'mcuboot', slot: 1, bytes: image }],
  );
  return { bytes: signBundle(unsigned, devKey('dev-release-ed25519')), image };
}

export async function writeLabBundle(
  folder: string,
  name: string,
  options: LabBundleOptions,
): Promise<string> {
  const path = join(folder, name);
  await writeFile(path, labBundle(options).bytes);
  return path;
}

export interface AddressedBundleOptions {
  version: string;
  /** The firmware itself (without DFU suffix / UF2 framing). */
  firmware: Uint8Array;
  hardwareId: string;
  securityCounter?: number;
}

/** Signs a release of one DFU or UF2 image for the lab product with the development release key. */
function addressedBundle(
  options: AddressedBundleOptions,
  image: { file: string; protocol: 'dfu' | 'uf2'; address: number; bytes: Uint8Array },
): Uint8Array {
  const now = Date.now();
  const unsigned = createBundle(
    {
      product: 'fieldline-lab-nrf52840',
      hardware: [{ id: options.hardwareId, revisions: ['A', 'B'] }],
      version: options.version,
      securityCounter: options.securityCounter ?? 1,
      channel: 'stable',
      issuedAt: new Date(now - 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      expiresAt: new Date(now + 365 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    },
    [image],
  );
  return signBundle(unsigned, devKey('dev-release-ed25519'));
}

/** The lab DFU bootloader's identity in a manifest: `usb:<VID>:<PID in DFU mode>` (run-dfu-flash-task.ts). */
export const LAB_DFU_HARDWARE_ID = 'usb:1209:0001';

/** A release for the lab DFU device: a .dfu file whose suffix names VID 0x1209, PID 0x0001. */
export function labDfuBundle(
  options: AddressedBundleOptions & { suffixIds?: { vendorId: number; productId: number } },
): Uint8Array {
  const ids = options.suffixIds ?? { vendorId: 0x1209, productId: 0x0001 };
  const bytes = buildDfuFile(options.firmware, { ...ids, bcdDevice: 0xffff });
  return addressedBundle(options, { file: 'images/app.dfu', protocol: 'dfu', address: 0, bytes });
}

/** The lab UF2 drive's Board-ID, which a manifest names as its hardware id (run-uf2-flash-task.ts). */
export const LAB_UF2_HARDWARE_ID = 'RP2040-FieldlineLab-v1';

/** A release for the lab UF2 drive: a .uf2 file of `familyId` (RP2040 by default) at 0x10000000. */
export function labUf2Bundle(options: AddressedBundleOptions & { familyId?: number }): Uint8Array {
  const baseAddress = 0x1000_0000;
  const bytes = buildUf2File(options.firmware, { familyId: options.familyId ?? 0xe48bff56, baseAddress });
  return addressedBundle(options, { file: 'images/app.uf2', protocol: 'uf2', address: baseAddress, bytes });
}

/** Deterministic firmware bytes (no MCUboot header: DFU and UF2 boards take raw images). */
export function rawFirmware(lengthBytes: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: lengthBytes }, (_, index) => (index * seed + (index >> 9)) & 0xff);
}
