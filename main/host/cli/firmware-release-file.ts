import { basename, dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { AppError, describeZodError } from '../../../shared/errors';
import { FIRMWARE_LIMITS, type BundleImageSource, type ReleaseDescription } from '../../core/firmware';
import { readLimitedFile } from './firmware-files';

const imageSource = z.strictObject({
  /** The image file on disk, relative to the release file. */
  path: z.string().min(1),
  /** Its name inside the bundle; default `images/<file name>`. */
  file: z.string().optional(),
  protocol: z.enum(['mcuboot', 'uf2', 'dfu']),
  slot: z.number().int().optional(),
  address: z.number().int().optional(),
});

const releaseFileSchema = z.strictObject({
  product: z.string(),
  hardware: z.array(z.strictObject({ id: z.string(), revisions: z.array(z.string()) })),
  version: z.string(),
  securityCounter: z.number().int(),
  channel: z.string(),
  /** Default: now. */
  issuedAt: z.string().optional(),
  /** Or `validDays` from issuedAt. */
  expiresAt: z.string().optional(),
  validDays: z.number().int().min(1).max(3650).optional(),
  images: z.array(imageSource).min(1),
});

/**
 * Reads the release file `bundle create` takes (YAML or JSON): the manifest's release facts plus, per
 * image, the file on disk. Sizes and hashes are computed; createBundle validates the result.
 */
export function readReleaseFile(path: string, now: Date): { release: ReleaseDescription; images: BundleImageSource[] } {
  let document: unknown;
  try {
    document = parse(Buffer.from(readLimitedFile(path, 1024 * 1024, 'INVALID_INPUT')).toString('utf8'), { maxAliasCount: 0 });
  } catch (error: unknown) {
    if (error instanceof AppError) throw error;
    throw new AppError('INVALID_INPUT', `release file ${path}: not valid YAML (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = releaseFileSchema.safeParse(document);
  if (!parsed.success) throw new AppError('INVALID_INPUT', `release file ${path}: ${describeZodError(parsed.error)}`);
  const { images, issuedAt, expiresAt, validDays, ...facts } = parsed.data;
  const issued = issuedAt ?? now.toISOString();
  const expires = expiresAt ?? new Date(Date.parse(issued) + (validDays ?? 365) * 86_400_000).toISOString();
  const base = dirname(resolve(path));
  return {
    release: { ...facts, issuedAt: issued, expiresAt: expires },
    images: images.map((image) => {
      const bytes = readLimitedFile(resolve(base, image.path), FIRMWARE_LIMITS.imageFileBytes, 'PAYLOAD_TOO_LARGE');
      const file = image.file ?? `images/${basename(image.path)}`;
      if (image.protocol === 'mcuboot') return { file, protocol: 'mcuboot', slot: image.slot ?? 1, bytes };
      if (image.address === undefined) throw new AppError('INVALID_INPUT', `release file ${path}: ${image.path} is ${image.protocol} and needs an address`);
      return { file, protocol: image.protocol, address: image.address, bytes };
    }),
  };
}
