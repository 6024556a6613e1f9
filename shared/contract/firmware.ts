import { z } from 'zod';
import { ERROR_CODES } from '../errors/error-codes';
import { defineCommand, defineEvent } from './define';

/**
 * The largest bundle a browser may upload in one `firmware:import` message. The station's WebSocket
 * takes at most 1 MiB per message and base64 grows the bytes by 4/3, so 720 KiB leaves room for the
 * envelope; larger bundles are imported by path on the station (`{ path }`), which is bounded by the
 * firmware code's own bundle limit (64 MiB). main/core/firmware-library checks both.
 */
export const FIRMWARE_UPLOAD_MAX_BYTES = 720 * 1024;
/** The base64 text the schema lets through; the handler refuses anything decoding above the limit by name. */
const UPLOAD_BASE64_MAX_CHARS = Math.ceil((FIRMWARE_UPLOAD_MAX_BYTES * 2) / 3) * 4;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase SHA-256 hex digest');

/** A bundle that failed a check: the error code, the check's name and the message naming what failed. */
export const bundleRefusalSchema = z.object({
  code: z.enum(ERROR_CODES),
  /** The check that refused it, e.g. `signature`, `expiry`, `image hash`; null when the error named none. */
  check: z.string().nullable(),
  message: z.string(),
});
export type BundleRefusal = z.infer<typeof bundleRefusalSchema>;

export const bundleVerificationSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('passed'), checkedAt: z.string() }),
  z.object({ status: z.literal('refused'), checkedAt: z.string(), refusal: bundleRefusalSchema }),
]);
export type BundleVerification = z.infer<typeof bundleVerificationSchema>;

export const bundleImageSchema = z.object({
  file: z.string(),
  protocol: z.enum(['mcuboot', 'uf2', 'dfu']),
  sizeBytes: z.number().int().nonnegative(),
  sha256: z.string(),
  /** The SMP image slot (MCUboot), else null. */
  slot: z.number().int().nullable(),
  /** The flash address (UF2, DFU), else null. */
  address: z.number().int().nullable(),
});

export const bundleSummarySchema = z.object({
  /** The SHA-256 of the bundle file, hex: the library is content-addressed. */
  bundleId: sha256Hex,
  /** The name the file had when it was imported. */
  fileName: z.string(),
  /** Where the station keeps it; what `jobs:start` takes as `bundlePath`. */
  path: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  product: z.string(),
  version: z.string(),
  channel: z.string(),
  securityCounter: z.number().int().nonnegative(),
  issuedAt: z.string(),
  expiresAt: z.string(),
  hardware: z.array(z.object({ id: z.string(), revisions: z.array(z.string()) })),
  images: z.array(bundleImageSchema),
  /** The release keys whose signatures counted. */
  signedBy: z.array(z.object({ name: z.string(), keyId: z.string(), isDevelopment: z.boolean() })),
  /** True when a development key signed it: fine in the lab, never for a fleet. */
  isDevelopmentSigned: z.boolean(),
  importedAt: z.string(),
  verification: bundleVerificationSchema,
  /** How many devices the station knows that this bundle fits now. */
  fittingDeviceCount: z.number().int().nonnegative(),
});
export type BundleSummary = z.infer<typeof bundleSummarySchema>;

/** Whether a bundle fits one known device, judged from what the ledger and discovery recorded. */
export const deviceFitSchema = z.object({
  deviceId: z.string(),
  serial: z.string().nullable(),
  model: z.string().nullable(),
  firmwareVersion: z.string().nullable(),
  /** True when discovery sees the device now (a job can reach it). */
  isConnected: z.boolean(),
  fits: z.boolean(),
  /** Why it does not fit (the failed check); null when it fits. */
  refusal: bundleRefusalSchema.nullable(),
  /**
   * The hardware revision the judgement assumed: devices do not report one over SMP, and a job assumes
   * `A` unless told (jobs:start). The flash job checks everything again against the device itself.
   */
  assumedRevision: z.string(),
});
export type DeviceFit = z.infer<typeof deviceFitSchema>;

export const firmwareImport = defineCommand({
  name: 'firmware:import',
  input: z.union([
    /** A bundle file on the station's disk (CLI, Electron). */
    z.object({ path: z.string().min(1).max(4096) }).strict(),
    /** A bundle uploaded from the browser: its name and bytes (base64), at most FIRMWARE_UPLOAD_MAX_BYTES. */
    z
      .object({
        fileName: z.string().min(1).max(255),
        contentBase64: z.string().max(UPLOAD_BASE64_MAX_CHARS),
      })
      .strict(),
  ]),
  output: z.discriminatedUnion('outcome', [
    z.object({
      outcome: z.literal('imported'),
      bundle: bundleSummarySchema,
      isAlreadyInLibrary: z.boolean(),
    }),
    /** Refused bundles are kept out of the library; this says which check failed. */
    z.object({
      outcome: z.literal('refused'),
      fileName: z.string(),
      sizeBytes: z.number().int().nonnegative(),
      bundleSha256: z.string(),
      refusal: bundleRefusalSchema,
    }),
  ]),
  doc: 'Verifies a firmware bundle (signature, trust store, manifest, images) and adds it to the library, content-addressed.',
});

export const firmwareList = defineCommand({
  name: 'firmware:list',
  input: z
    .object({
      /** When given, each bundle says whether it fits this device (`fit`). */
      deviceId: z.string().min(1).max(200).optional(),
    })
    .strict()
    .optional(),
  output: z.object({
    bundles: z.array(bundleSummarySchema.extend({ fit: deviceFitSchema.nullable() })),
  }),
  doc: 'The bundles in the station’s firmware library, newest import first.',
});

export const firmwareGet = defineCommand({
  name: 'firmware:get',
  input: z.object({ bundleId: sha256Hex }).strict(),
  output: z.object({
    /** Its verification is run again now (a bundle may have expired or its key been revoked since import). */
    bundle: bundleSummarySchema,
    /** The known devices it fits, connected ones first. */
    fittingDevices: z.array(deviceFitSchema),
    /** Known devices of a product it names that it does not fit, with the reason. */
    unfitDevices: z.array(deviceFitSchema),
  }),
  doc: 'One bundle: its manifest summary, its verification now, and which known devices it fits.',
});

export const firmwareChanged = defineEvent({
  name: 'firmware:changed',
  payload: z.object({ bundleId: z.string() }),
  doc: 'A bundle was added to the firmware library.',
});

export const trustedKeySchema = z.object({
  name: z.string(),
  /** SHA-256 of the key's SubjectPublicKeyInfo, hex: the id a DSSE signature names. */
  keyId: sha256Hex,
  algorithm: z.string(),
  /** A development key (resources/dev-keys): fine for the lab, never for a production line. */
  isDevelopment: z.boolean(),
  /** Why it was revoked; null while it counts. */
  revokedReason: z.string().nullable(),
  /** The products that accept it, and for what: signing releases (manifests) or MCUboot images. */
  usedBy: z.array(z.object({ product: z.string(), purpose: z.enum(['release', 'image']) })),
});

export const firmwareTrustStore = defineCommand({
  name: 'firmware:trust-store',
  input: z.object({}).strict().optional(),
  output: z.object({
    keys: z.array(trustedKeySchema),
    products: z.array(
      z.object({
        product: z.string(),
        releaseKeys: z.array(z.string()),
        imageKeys: z.array(z.string()),
        /** How many distinct release keys must have signed a bundle of this product. */
        threshold: z.number().int().positive(),
      }),
    ),
  }),
  doc: 'The trust anchors firmware is verified against: each key, what it may sign for which product, and revocations.',
});
