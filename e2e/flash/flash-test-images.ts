import type { KeyObject } from 'node:crypto';
import type { SmpFlashTarget } from '../../main/core/drivers/smp/smp-flasher';
import { buildMcubootImage } from '../lab/devices/smp/mcuboot-image-builder';
import { parseImageVersion } from '../lab/devices/smp/mcuboot-image-format';
import { readMcubootImage } from '../lab/devices/smp/mcuboot-image-reader';

/** A flash target built like imgtool would (deterministic body), optionally signed. */
export function flashTarget(version: string, bodyBytes = 30_000, signingKey?: KeyObject): SmpFlashTarget {
  const body = new Uint8Array(bodyBytes).map((_, index) => (index * 7 + version.length * 11) & 0xff);
  const bytes = buildMcubootImage({
    version: parseImageVersion(version),
    body,
    ...(signingKey ? { signingKey } : {}),
  });
  const read = readMcubootImage(bytes);
  if (!read.ok) throw new Error(`test image ${version} does not parse: ${read.defect}`);
  return { bytes, imageHash: Buffer.from(read.image.hash).toString('hex'), version };
}

/** The flash target of an image built elsewhere (a bundle's image), with the hash MCUboot reports. */
export function flashTargetOf(bytes: Uint8Array, version: string): SmpFlashTarget {
  const read = readMcubootImage(bytes);
  if (!read.ok) throw new Error(`image ${version} does not parse: ${read.defect}`);
  return { bytes, imageHash: Buffer.from(read.image.hash).toString('hex'), version };
}
