import { isAbsolute } from 'node:path';
import type { LockedWork } from '../../../shared/contract/line';
import { AppError } from '../../../shared/errors';
import type { TrustStore } from '../firmware';
import { prepareRecipe, type PreparedRecipe } from '../provisioning/prepare-recipe';
import type { LibraryBundleLookup } from '../provisioning/recipe-bundle';

export interface RecipeWorkContext {
  /** The trust store the recipe's bundle must verify against (the provisioning ports' one). */
  trustStore: () => TrustStore;
  /** The firmware library, for a recipe naming its bundle by SHA-256. */
  lookupBundle?: LibraryBundleLookup;
  now: () => Date;
}

/**
 * What a supervisor locks when the line applies a recipe. The recipe, its bundle (verified), device
 * table and site file are read now, so a broken one is refused at the lock and not on every device.
 * A line has no technician to type values: a variable that only a technician could give is refused
 * here, naming every such variable.
 */
export async function describeRecipeWork(recipePath: string, context: RecipeWorkContext): Promise<LockedWork> {
  if (!isAbsolute(recipePath)) throw new AppError('INVALID_INPUT', `recipePath must be an absolute path, not "${recipePath}"`);
  const prepared = await prepareRecipe(
    // The device is not known yet; prepareRecipe reads only the recipe's own files.
    { deviceId: 'line', recipePath, values: {} },
    { trustStore: context.trustStore(), now: context.now(), ...(context.lookupBundle ? { lookupBundle: context.lookupBundle } : {}) },
  );
  const needInput = variablesOnlyATechnicianGives(prepared);
  if (needInput.length > 0) {
    const { name, version } = prepared.recipe.document;
    throw new AppError(
      'LINE_RECIPE_NEEDS_INPUT',
      `the recipe ${name}@${version} needs ${needInput.join(', ')} from a technician; on a line each value must come from the device table, the site file, an allocator or a default`,
      { details: { recipePath, variables: needInput } },
    );
  }
  const { document, contentSha256 } = prepared.recipe;
  const { bundle, site } = prepared;
  return {
    kind: 'recipe',
    path: prepared.recipe.path,
    label: `${document.name}@${document.version} (sha256 ${contentSha256.slice(0, 12)}…, firmware ${bundle.version})`,
    version: document.version,
    // The recipe's bytes say what is applied; its bundle and site file can change under the same recipe
    // and change every device too, so they count. The device table does not: new rows are routine.
    key: ['recipe', contentSha256, 'bundle', bundle.bundleSha256, ...(site === null ? [] : ['site', site.sha256])].join(':'),
    recipe: {
      name: document.name,
      version: document.version,
      contentSha256,
      bundleSha256: bundle.bundleSha256,
      firmwareVersion: bundle.version,
    },
  };
}

/**
 * Variables with no default, no allocator, no site value and no device-table column. A column can
 * still be empty in one device's row: that device then fails (RECIPE_VALUE_INVALID) and the line
 * goes on.
 */
export function variablesOnlyATechnicianGives(prepared: PreparedRecipe): string[] {
  const { document } = prepared.recipe;
  const siteNames = new Set(Object.keys(prepared.site?.values ?? {}));
  const tableColumns = new Set(prepared.deviceTable?.columns ?? []);
  return Object.entries(document.variables)
    .filter(
      ([name, schema]) =>
        schema.default === undefined && !Object.hasOwn(document.allocators, name) && !siteNames.has(name) && !tableColumns.has(name),
    )
    .map(([name]) => name);
}
