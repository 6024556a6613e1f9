import { resolve } from 'node:path';
import type { LockedWork } from '../../../shared/contract/line';
import { AppError } from '../../../shared/errors';
import { readDeviceTable } from '../config/device-table';
import { loadRecipe } from '../config/recipe-file';
import { ValueAllocator, type AllocationLedger } from '../config/value-allocator';

export type RecipeWork = Extract<LockedWork, { kind: 'recipe' }>;

/**
 * What the line does before each device's `provision:apply`, synchronously (so two ports cannot
 * interleave here):
 *
 * 1. The recipe on disk must still be the one the supervisor locked (its SHA-256); an edited file would
 *    otherwise run on every device without a canary.
 * 2. The device's allocator values (host names, serials) are recorded now. A plan only peeks at the
 *    next free counter and apply records it minutes later, after the flash; with several devices
 *    planned at once they would all peek the same value and all but one fail "plan again". Recorded
 *    first, each plan finds its own value. A variable the device table has a column for is left to
 *    the table (a row that leaves its cell empty falls back to the allocator at plan time, unreserved).
 */
export function prepareRecipeRun(work: RecipeWork, deviceId: string, ledger: AllocationLedger, actor: string): void {
  const recipe = loadRecipe(work.path);
  if (recipe.contentSha256 !== work.recipe.contentSha256)
    throw new AppError(
      'RECIPE_INVALID',
      `${work.path} changed since a supervisor locked it (sha256 ${work.recipe.contentSha256.slice(0, 12)}… is now ${recipe.contentSha256.slice(0, 12)}…); a supervisor locks it again to run the new version as a canary`,
      { details: { file: work.path, lockedSha256: work.recipe.contentSha256, currentSha256: recipe.contentSha256 } },
    );
  const { document } = recipe;
  const table = document.deviceTable;
  const columns = table === undefined ? [] : readDeviceTable(resolve(recipe.folder, table.path), table.matchBy, new Set(Object.keys(document.variables))).columns;
  const allocator = new ValueAllocator(ledger, actor);
  for (const [variable, definition] of Object.entries(document.allocators)) {
    if (!columns.includes(variable)) allocator.allocate(deviceId, variable, definition);
  }
}
