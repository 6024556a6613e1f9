import { closeSync, openSync, readdirSync, readSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RecipeFolder, RecipeSummary, RecipeVariable } from '../../../shared/contract';
import { toAppError } from '../../../shared/errors';
import { loadRecipe, type LoadedRecipe } from './recipe-file';
import type { VariableSchema } from './recipe-schema';
import { isSecretVariable } from './secret-values';
import { readSiteValues } from './site-values';

/** A folder to look for recipes in, and why it is on the list. */
export interface RecipeFolderSource {
  path: string;
  origin: RecipeFolder['origin'];
}

/** A file that is a recipe: `recipe.yaml` in the folder or a subfolder, or `<anything>.recipe.yaml` beside them. */
const RECIPE_FILE = /^(?:recipe|.+\.recipe)\.ya?ml$/;

/** The first line of a device table is all the catalog needs (its columns); a header longer than this is not one. */
const MAX_HEADER_BYTES = 64 * 1024;

/**
 * Lists the recipes in the given folders (main/core/config/README.md, "Recipe catalog"). A folder is
 * looked at one level deep, so `<folder>/lab-sensor/recipe.yaml` is found next to its `site.yaml` and
 * `devices.csv` (which are not recipes). A recipe that does not load is listed with its error.
 */
export function listRecipes(sources: readonly RecipeFolderSource[]): { recipes: RecipeSummary[]; folders: RecipeFolder[] } {
  const folders: RecipeFolder[] = [];
  const recipes: RecipeSummary[] = [];
  const seen = new Set<string>();
  for (const source of uniqueFolders(sources)) {
    const found = recipeFilesIn(source.path);
    folders.push({ path: source.path, origin: source.origin, state: found.state });
    for (const file of found.files) {
      // The same file reached through two folders (a symlink, FIELDLINE_RECIPES naming the shipped one) is one recipe.
      const key = realPathOr(file);
      if (seen.has(key)) continue;
      seen.add(key);
      recipes.push(summarize(file, source));
    }
  }
  recipes.sort(byNameThenVersion);
  return { recipes, folders };
}

/** `FIELDLINE_RECIPES`: folders separated by the platform's path delimiter (`:`; `;` on Windows); blanks ignored. */
export function recipeFoldersFromList(value: string | undefined, delimiter: string): string[] {
  if (value === undefined) return [];
  return value
    .split(delimiter)
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => resolve(part));
}

function uniqueFolders(sources: readonly RecipeFolderSource[]): RecipeFolderSource[] {
  const byPath = new Map<string, RecipeFolderSource>();
  for (const source of sources) {
    const path = resolve(source.path);
    if (!byPath.has(path)) byPath.set(path, { path, origin: source.origin });
  }
  return [...byPath.values()];
}

function recipeFilesIn(folder: string): { state: RecipeFolder['state']; files: string[] } {
  let entries;
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch (error: unknown) {
    const code = (error as NodeJS.ErrnoException).code;
    return { state: code === 'ENOENT' ? 'missing' : 'unreadable', files: [] };
  }
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(folder, entry.name);
    if (isFile(entry, path) && RECIPE_FILE.test(entry.name)) files.push(path);
    else if (isDirectory(entry, path) && !entry.name.startsWith('.')) files.push(...recipeFilesBeside(path));
  }
  return { state: 'ok', files };
}

/** One level down: the recipe files of a recipe's own folder (an unreadable one is skipped: it holds no recipe we can list). */
function recipeFilesBeside(folder: string): string[] {
  try {
    return readdirSync(folder, { withFileTypes: true })
      .filter((entry) => RECIPE_FILE.test(entry.name) && isFile(entry, join(folder, entry.name)))
      .map((entry) => join(folder, entry.name))
      .sort();
  } catch {
    return [];
  }
}

function summarize(path: string, source: RecipeFolderSource): RecipeSummary {
  const base = { path, folder: source.path, origin: source.origin };
  let recipe: LoadedRecipe;
  try {
    recipe = loadRecipe(path);
  } catch (error: unknown) {
    const failure = toAppError(error);
    return {
      ...base,
      name: null,
      version: null,
      description: null,
      models: [],
      hardwareRevisions: [],
      contentSha256: null,
      variables: [],
      error: { code: failure.code, message: failure.message },
    };
  }
  const { document } = recipe;
  const siteKeys = siteValueNames(recipe);
  const tableColumns = deviceTableColumns(recipe);
  return {
    ...base,
    name: document.name,
    version: document.version,
    description: document.description ?? null,
    models: document.match.model,
    hardwareRevisions: document.match.hardwareRevisions,
    contentSha256: recipe.contentSha256,
    variables: Object.entries(document.variables).map(([name, schema]) =>
      describeVariable(name, schema, {
        hasAllocator: Object.hasOwn(document.allocators, name),
        isSiteValue: siteKeys.has(name),
        isTableColumn: tableColumns.has(name),
      }),
    ),
    error: null,
  };
}

function describeVariable(
  name: string,
  schema: VariableSchema,
  sources: { hasAllocator: boolean; isSiteValue: boolean; isTableColumn: boolean },
): RecipeVariable {
  const suppliedBy: RecipeVariable['suppliedBy'] = [];
  if (schema.default !== undefined) suppliedBy.push('default');
  if (sources.hasAllocator) suppliedBy.push('allocator');
  if (sources.isSiteValue) suppliedBy.push('site');
  if (sources.isTableColumn) suppliedBy.push('device-table');
  return {
    name,
    type: schema.type,
    description: schema.description ?? null,
    isSecret: isSecretVariable(schema),
    enum: schema.enum ?? null,
    minimum: schema.minimum ?? null,
    maximum: schema.maximum ?? null,
    minLength: schema.minLength ?? null,
    maxLength: schema.maxLength ?? null,
    pattern: schema.pattern ?? null,
    format: schema.format ?? null,
    defaultValue: schema.default === undefined ? null : String(schema.default),
    suppliedBy,
    isRequired: suppliedBy.length === 0,
  };
}

/**
 * The names the recipe's site file gives values to. Only names leave here: a site file may hold a
 * shared secret, and the catalog answers every UI. A broken site file supplies nothing; the plan
 * names its problem when the recipe is used.
 */
function siteValueNames(recipe: LoadedRecipe): Set<string> {
  const site = recipe.document.siteValues;
  if (site === undefined) return new Set();
  try {
    return new Set(Object.keys(readSiteValues(resolve(recipe.folder, site.path)).values));
  } catch {
    return new Set();
  }
}

/** The columns of the recipe's device table (its header line); a device's own row may still leave one empty. */
function deviceTableColumns(recipe: LoadedRecipe): Set<string> {
  const table = recipe.document.deviceTable;
  if (table === undefined) return new Set();
  const header = firstLine(resolve(recipe.folder, table.path));
  if (header === null) return new Set();
  return new Set(
    header
      .split(',')
      .map((column) => column.trim().replace(/^"(.*)"$/, '$1'))
      .filter((column) => column !== table.matchBy),
  );
}

function firstLine(path: string): string | null {
  let descriptor: number;
  try {
    descriptor = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    const buffer = Buffer.alloc(MAX_HEADER_BYTES);
    const length = readSync(descriptor, buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, length).toString('utf8').replace(/^\uFEFF/, '');
    const end = text.search(/\r?\n/);
    return end === -1 ? (length < MAX_HEADER_BYTES ? text : null) : text.slice(0, end);
  } catch {
    return null;
  } finally {
    closeSync(descriptor);
  }
}

function isFile(entry: { isFile(): boolean; isSymbolicLink(): boolean }, path: string): boolean {
  if (entry.isFile()) return true;
  return entry.isSymbolicLink() && statOr(path)?.isFile() === true;
}

function isDirectory(entry: { isDirectory(): boolean; isSymbolicLink(): boolean }, path: string): boolean {
  if (entry.isDirectory()) return true;
  return entry.isSymbolicLink() && statOr(path)?.isDirectory() === true;
}

function statOr(path: string): ReturnType<typeof statSync> | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

function realPathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function byNameThenVersion(a: RecipeSummary, b: RecipeSummary): number {
  const byName = (a.name ?? '\uffff').localeCompare(b.name ?? '\uffff');
  if (byName !== 0) return byName;
  const byVersion = (a.version ?? '').localeCompare(b.version ?? '', undefined, { numeric: true });
  return byVersion !== 0 ? byVersion : a.path.localeCompare(b.path);
}

/**
 * The folders a station lists besides `<data dir>/recipes`: those in `FIELDLINE_RECIPES` (the host
 * passes the variable's text and the platform's path delimiter), then the recipes shipped with the app.
 */
export function hostRecipeFolders(environmentValue: string | undefined, delimiter: string, shippedFolder: string): RecipeFolderSource[] {
  return [
    ...recipeFoldersFromList(environmentValue, delimiter).map((path) => ({ path, origin: 'environment' as const })),
    { path: shippedFolder, origin: 'shipped' },
  ];
}
