import { z } from 'zod';
import { defineCommand } from './define';
import { operationSummarySchema } from './operations';

/**
 * Provisioning a device to a recipe (main/core/config, main/core/provisioning): `provision:plan` reads
 * the device and says what differs, writing nothing; `provision:apply` runs the same plan as one
 * operation (kind `provision`: flash → enroll → configure → verify). Secret variables never come back:
 * wherever a value would be shown, a secret shows `sha256:<hex>` salted with the device id.
 */

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
/** A secret's stand-in: `sha256:` and 64 hex digits of SHA-256(deviceId, NUL, value). */
const secretDigest = z.string().regex(/^sha256:[0-9a-f]{64}$/);

export const provisionInputSchema = z
  .object({
    deviceId: z.string().min(1).max(200),
    /** The recipe file on the station's disk. */
    recipePath: z.string().min(1).max(4096),
    /** The technician's values (they come first among the variable sources). */
    values: z.record(z.string().max(64), z.string().max(4096)).default({}),
    /** A CSV of per-device values instead of the recipe's own `deviceTable`. */
    deviceTablePath: z.string().min(1).max(4096).optional(),
    /** A YAML file of site values instead of the recipe's own `siteValues`. */
    siteValuesPath: z.string().min(1).max(4096).optional(),
    /** The device's hardware revision (SMP devices cannot tell it); `A` when absent. */
    hardwareRevision: z.string().min(1).max(32).optional(),
  })
  .strict();
export type ProvisionInput = z.infer<typeof provisionInputSchema>;

export const recipeProvenanceSchema = z.object({
  name: z.string(),
  version: z.string(),
  path: z.string(),
  contentSha256: sha256Hex,
  /** `git rev-parse HEAD` of the recipe's folder, when it is a git checkout. */
  gitCommit: z.string().nullable(),
  /** Whether the recipe file differs from that commit (null outside git). */
  isModified: z.boolean().nullable(),
});
export type RecipeProvenance = z.infer<typeof recipeProvenanceSchema>;

export const planVariableSchema = z.object({
  name: z.string(),
  source: z.enum(['technician', 'device-table', 'allocator', 'site', 'default']),
  isSecret: z.boolean(),
  /** The value as text; null for a secret. */
  value: z.string().nullable(),
  /** For a secret: its salted hash; null otherwise. */
  digest: secretDigest.nullable(),
  /** For an allocated value: its counter, and whether apply will record it (a new allocation). */
  allocation: z.object({ counter: z.number().int().nonnegative(), isNew: z.boolean() }).nullable(),
});

export const planFirmwareSchema = z.object({
  action: z.enum(['install', 'none']),
  bundleVersion: z.string(),
  bundleSha256: sha256Hex,
  /** The image's SHA-256 TLV (what SMP image state reports for it), hex. */
  imageHash: z.string(),
  runningVersion: z.string().nullable(),
  runningHash: z.string().nullable(),
  /** "install 2.1.0 (device runs 2.0.0)" or "up to date (2.1.0)". */
  summary: z.string(),
});

export const planCertificateSchema = z.object({
  action: z.enum(['enroll', 'none']),
  status: z.enum(['none', 'expiring', 'expired', 'subject-differs', 'unreadable', 'ok']),
  expectedSubject: z.string(),
  currentSubject: z.string().nullable(),
  notAfter: z.string().nullable(),
  fingerprintSha256: z.string().nullable(),
  summary: z.string(),
});

export const planSettingSchema = z.object({
  name: z.string(),
  isSecret: z.boolean(),
  action: z.enum(['write', 'none']),
  /** `same`, `differs`, `absent` (not set on the device), `write-only` (the device cannot read it back). */
  status: z.enum(['same', 'differs', 'absent', 'write-only']),
  /** Desired and current value as text; null for a secret (see the digests). */
  desired: z.string().nullable(),
  current: z.string().nullable(),
  desiredDigest: secretDigest.nullable(),
  currentDigest: secretDigest.nullable(),
  summary: z.string(),
});
export type PlanSetting = z.infer<typeof planSettingSchema>;

export const provisionPlanSchema = z.object({
  deviceId: z.string(),
  device: z.object({ hardwareId: z.string(), serial: z.string(), model: z.string(), hardwareRevision: z.string() }),
  recipe: recipeProvenanceSchema,
  /** The files values came from, by content hash. */
  inputs: z.object({
    deviceTable: z.object({ path: z.string(), sha256: sha256Hex, line: z.number().int().nullable() }).nullable(),
    siteValues: z.object({ path: z.string(), sha256: sha256Hex }).nullable(),
  }),
  variables: z.array(planVariableSchema),
  firmware: planFirmwareSchema,
  certificate: planCertificateSchema,
  settings: z.array(planSettingSchema),
  /** True when nothing would be written. */
  isUpToDate: z.boolean(),
});
export type ProvisionPlan = z.infer<typeof provisionPlanSchema>;

export const provisionPlan = defineCommand({
  name: 'provision:plan',
  input: provisionInputSchema,
  output: z.object({ plan: provisionPlanSchema }),
  doc: 'Reads the device and says what differs from the recipe (firmware, certificate, each setting); writes nothing.',
});

export const provisionApply = defineCommand({
  name: 'provision:apply',
  input: provisionInputSchema,
  output: z.object({ operation: operationSummarySchema }),
  doc: 'Plans, then runs the plan as one provision operation (flash, enroll, configure, verify) and returns it as started.',
});
