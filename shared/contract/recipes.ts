import { z } from 'zod';
import { ERROR_CODES } from '../errors/error-codes';
import { emptyInput } from './app';
import { defineCommand } from './define';

/**
 * The recipes this station can apply (main/core/config/recipe-catalog.ts): what the Provision flow
 * offers to choose from and which values it asks the technician for. A recipe that cannot be read is
 * listed with its error instead of disappearing, so a typo in a recipe is seen, not guessed at.
 */

/** Where a recipe folder comes from: `<data dir>/recipes`, `FIELDLINE_RECIPES`, or the ones shipped with the app. */
export const RECIPE_FOLDER_ORIGINS = ['data-dir', 'environment', 'shipped'] as const;

export const recipeFolderSchema = z.object({
  path: z.string(),
  origin: z.enum(RECIPE_FOLDER_ORIGINS),
  /** `missing` is normal for `<data dir>/recipes` until someone puts a recipe there. */
  state: z.enum(['ok', 'missing', 'unreadable']),
});
export type RecipeFolder = z.infer<typeof recipeFolderSchema>;

/** Where a variable's value can come from besides the technician. */
export const VARIABLE_SUPPLIERS = ['default', 'allocator', 'site', 'device-table'] as const;

export const recipeVariableSchema = z.object({
  name: z.string(),
  type: z.enum(['string', 'integer', 'number', 'boolean']),
  description: z.string().nullable(),
  isSecret: z.boolean(),
  enum: z.array(z.union([z.string(), z.number(), z.boolean()])).nullable(),
  minimum: z.number().nullable(),
  maximum: z.number().nullable(),
  minLength: z.number().nullable(),
  maxLength: z.number().nullable(),
  pattern: z.string().nullable(),
  format: z.string().nullable(),
  /** The recipe's default as text (secrets never have one). */
  defaultValue: z.string().nullable(),
  /** What else can supply it; the technician's value always comes first. */
  suppliedBy: z.array(z.enum(VARIABLE_SUPPLIERS)),
  /** True when nothing but the technician can give it a value (no default, allocator, site value or table column). */
  isRequired: z.boolean(),
});
export type RecipeVariable = z.infer<typeof recipeVariableSchema>;

export const recipeSummarySchema = z.object({
  /** The recipe file on the station's disk: what `provision:plan`/`apply` take as `recipePath`. */
  path: z.string(),
  folder: z.string(),
  origin: z.enum(RECIPE_FOLDER_ORIGINS),
  /** Null when the recipe could not be loaded (see `error`). */
  name: z.string().nullable(),
  version: z.string().nullable(),
  description: z.string().nullable(),
  /** The device models it is for (identity group 64 `model`). */
  models: z.array(z.string()),
  hardwareRevisions: z.array(z.string()),
  contentSha256: z.string().nullable(),
  variables: z.array(recipeVariableSchema),
  /** Why the recipe cannot be used (RECIPE_INVALID with the file, place and problem); null when it loads. */
  error: z.object({ code: z.enum(ERROR_CODES), message: z.string() }).nullable(),
});
export type RecipeSummary = z.infer<typeof recipeSummarySchema>;

export const recipesList = defineCommand({
  name: 'recipes:list',
  input: emptyInput,
  output: z.object({ recipes: z.array(recipeSummarySchema), folders: z.array(recipeFolderSchema) }),
  doc: "The recipes in the station's recipe folders, each with its variables, or the reason it cannot be used.",
});
