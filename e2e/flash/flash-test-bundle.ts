import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
