import { z } from 'zod';
import { FIRMWARE_LIMITS } from '../firmware-limits';

const identifier = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'letters, digits, ".", "_", ":", "-" (at most 64)');
const u32 = z.number().int().min(0).max(0xffff_ffff);
const timestamp = z.iso.datetime({ offset: true });

/** Where an image goes: an MCUboot slot (SMP image number) or a flash address (UF2, DFU). */
const imageCommon = {
  /** Path of the image inside the bundle archive. */
  file: z.string().min(1).max(200),
  sizeBytes: z.number().int().min(1).max(FIRMWARE_LIMITS.bundleBytes),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lowercase hex digits'),
};

export const manifestImageSchema = z.discriminatedUnion('protocol', [
  z.strictObject({ ...imageCommon, protocol: z.literal('mcuboot'), slot: z.number().int().min(0).max(15) }),
  z.strictObject({ ...imageCommon, protocol: z.literal('uf2'), address: u32 }),
  z.strictObject({ ...imageCommon, protocol: z.literal('dfu'), address: u32 }),
]);

/**
 * The release manifest, the DSSE payload of a bundle (issue item 1). Strict: an unknown key is an
 * error, so nothing unsigned-looking can ride along and be read by a later version.
 */
export const manifestSchema = z
  .strictObject({
    schemaVersion: z.literal(1),
    product: identifier,
    /** Compatible hardware: each id with the revisions this release supports. */
    hardware: z.array(z.strictObject({ id: identifier, revisions: z.array(identifier).min(1).max(32) })).min(1).max(32),
    version: z.string().regex(/^\d{1,9}\.\d{1,9}\.\d{1,9}(?:[-+][0-9A-Za-z.-]{1,40})?$/, 'a version like 1.4.0 or 1.4.0-rc.1'),
    /** Anti-rollback counter: a device refuses a release lower than the highest it accepted. */
    securityCounter: u32,
    channel: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'a channel name like stable or beta'),
    issuedAt: timestamp,
    expiresAt: timestamp,
    images: z.array(manifestImageSchema).min(1).max(FIRMWARE_LIMITS.manifestImages),
  })
  .refine((manifest) => Date.parse(manifest.expiresAt) > Date.parse(manifest.issuedAt), { message: 'expiresAt must be after issuedAt', path: ['expiresAt'] })
  .refine((manifest) => new Set(manifest.images.map((image) => image.file)).size === manifest.images.length, {
    message: 'two images name the same file',
    path: ['images'],
  });

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestImage = z.infer<typeof manifestImageSchema>;
export type ImageProtocol = ManifestImage['protocol'];
