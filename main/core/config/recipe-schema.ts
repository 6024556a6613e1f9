import { z } from 'zod';
import { certificateProfileSchema } from '../identity/certificate-profile';

/** SMP settings names as Zephyr's settings subsystem takes them (segments joined by `/`, ≤ 64 bytes). */
const SETTING_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*(?:\/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*$/;
/** Variable names usable in `{{name}}` placeholders and as CSV column / site keys. */
export const VARIABLE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
/** A relative path inside the recipe's folder tree; no absolute paths, no drive letters. */
const RELATIVE_PATH = /^(?![/\\])(?![A-Za-z]:)[^\0]{1,512}$/;

const variableName = z.string().regex(VARIABLE_NAME, 'is a letter, then letters, digits or _ (≤ 64)');

/**
 * Where the firmware comes from: a bundle file next to the recipe (path relative to the recipe's
 * folder), or a bundle in the station's firmware library named by its SHA-256.
 */
const bundleReferenceSchema = z.union([
  z.object({ path: z.string().regex(RELATIVE_PATH, 'is a path relative to the recipe') }).strict(),
  z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/, 'is 64 lower-case hex digits') }).strict(),
]);

/**
 * A variable's type, as a JSON Schema (validated with Ajv). Only the keywords a setting needs are
 * accepted, so a recipe cannot smuggle in `$ref` to the network or a regex engine of its own.
 * `x-secret: true` (or `format: password`) marks it secret: its value never leaves the operation.
 */
export const variableSchemaSchema = z
  .object({
    type: z.enum(['string', 'integer', 'number', 'boolean']),
    description: z.string().max(500).optional(),
    pattern: z.string().max(500).optional(),
    minLength: z.number().int().nonnegative().optional(),
    maxLength: z.number().int().positive().max(4096).optional(),
    minimum: z.number().optional(),
    maximum: z.number().optional(),
    enum: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1).max(256).optional(),
    format: z.enum(['password', 'hostname', 'ipv4', 'email', 'uri']).optional(),
    default: z.union([z.string(), z.number(), z.boolean()]).optional(),
    'x-secret': z.boolean().optional(),
  })
  .strict();
export type VariableSchema = z.infer<typeof variableSchemaSchema>;

/** A counter-backed value: `pattern` holds `{counter}` or `{counter:05}` (zero-padded width). */
const allocatorSchema = z
  .object({
    pattern: z
      .string()
      .min(1)
      .max(64)
      .regex(/\{counter(?::0?\d{1,2})?\}/, 'holds {counter} or {counter:05}'),
    start: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).default(1),
  })
  .strict();
export type AllocatorDefinition = z.infer<typeof allocatorSchema>;

/** The recipe document, version 1 (main/core/config/README.md shows an example). */
export const recipeSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'is lower-case letters, digits, . _ - (≤ 64)'),
    version: z.string().regex(/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/, 'is a semantic version like 1.2.0'),
    description: z.string().max(2000).optional(),
    /** Which devices the recipe is for; a device that does not match is refused before anything is written. */
    match: z
      .object({
        /** The model the device reports (identity group 64). */
        model: z.array(z.string().min(1).max(64)).min(1).max(32),
        /** The bundle's `product` must be this one. */
        product: z.string().min(1).max(64).optional(),
        /** Hardware revisions the recipe accepts (the technician names the device's; default `A`). */
        hardwareRevisions: z.array(z.string().min(1).max(32)).min(1).max(32).default(['A']),
      })
      .strict(),
    bundle: bundleReferenceSchema,
    certificate: certificateProfileSchema,
    /** Typed variables; `{{name}}` in a setting refers to one. */
    variables: z.record(variableName, variableSchemaSchema).default({}),
    /** Counter-backed variables (serial numbers, hostnames), by variable name. */
    allocators: z.record(variableName, allocatorSchema).default({}),
    /** Per-device values from a CSV (overridable with --csv): the file, and which column finds the row. */
    deviceTable: z
      .object({
        path: z.string().regex(RELATIVE_PATH, 'is a path relative to the recipe'),
        matchBy: z.enum(['serial', 'hardwareId']),
      })
      .strict()
      .optional(),
    /** Site-wide values from a YAML file (overridable with --site). */
    siteValues: z.object({ path: z.string().regex(RELATIVE_PATH, 'is a path relative to the recipe') }).strict().optional(),
    /** SMP settings name → text with `{{variable}}` placeholders. */
    settings: z
      .record(z.string().max(64).regex(SETTING_NAME, 'is a settings name like net/hostname'), z.string().max(4096))
      .default({}),
  })
  .strict();

export type RecipeDocument = z.infer<typeof recipeSchema>;
export type BundleReference = z.infer<typeof bundleReferenceSchema>;
