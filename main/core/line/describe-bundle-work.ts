import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, isAbsolute } from 'node:path';
import type { LockedWork } from '../../../shared/contract/line';
import { AppError, toAppError } from '../../../shared/errors';
import { readEnvelopeAndFiles } from '../firmware/bundle/open-bundle';
import { parseManifest } from '../firmware/manifest/parse-manifest';

/**
 * What a supervisor locks: a bundle file named by its SHA-256 (so a new build at the same path is a new
 * version and starts a canary), labelled with the product and version its manifest claims. The
 * signature is checked for each device by the flash job itself, before any byte is written.
 */
export function describeBundleWork(bundlePath: string): LockedWork {
  if (!isAbsolute(bundlePath)) throw new AppError('INVALID_INPUT', `bundlePath must be an absolute path, not "${bundlePath}"`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(bundlePath);
  } catch (error: unknown) {
    throw new AppError('NOT_FOUND', `cannot read the bundle ${bundlePath}: ${(error as Error).message}`, { details: { bundlePath } });
  }
  let manifest;
  try {
    manifest = parseManifest(readEnvelopeAndFiles(bytes).envelope.payload);
  } catch (error: unknown) {
    throw toAppError(error, 'BUNDLE_MANIFEST_INVALID');
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return {
    kind: 'bundle',
    path: bundlePath,
    label: `${manifest.product} ${manifest.version} (${basename(bundlePath)})`,
    version: manifest.version,
    key: `bundle:${sha256}`,
  };
}
