import { resolve } from 'node:path';
import type { ProvisionInput, RecipeProvenance } from '../../../shared/contract/provision';
import { AppError } from '../../../shared/errors';
import { readDeviceTable, type DeviceTable } from '../config/device-table';
import { loadRecipe, type LoadedRecipe } from '../config/recipe-file';
import { resolveVariables, type AllocationSource } from '../config/resolve-variables';
import { placeholdersOf, renderTemplate } from '../config/settings-template';
import { readSiteValues, type SiteValues } from '../config/site-values';
import type { TrustStore } from '../firmware';
import type { DeviceState } from './device-state';
import type { PlanRecipe } from './plan-provision';
import { loadRecipeBundle, type LibraryBundleLookup, type RecipeBundle } from './recipe-bundle';

/** `git rev-parse HEAD` of the folder holding a file, and whether the file differs from it; null outside git. */
export type ReadGitRevision = (file: string) => Promise<{ commit: string; isModified: boolean } | null>;

/** A recipe and every file it draws on, checked before any device is touched. */
export interface PreparedRecipe {
  recipe: LoadedRecipe;
  bundle: RecipeBundle;
  deviceTable: DeviceTable | null;
  site: SiteValues | null;
  provenance: RecipeProvenance;
}

export interface PrepareOptions {
  trustStore: TrustStore;
  now: Date;
  lookupBundle?: LibraryBundleLookup;
  readGitRevision?: ReadGitRevision;
}

/**
 * Loads the recipe, verifies its bundle, reads its device table and site file (the input's own paths
 * win over the recipe's), and records where it all came from. Every refusal happens here, before a
 * device is opened.
 */
export async function prepareRecipe(input: ProvisionInput, options: PrepareOptions): Promise<PreparedRecipe> {
  const recipe = loadRecipe(input.recipePath);
  const { document } = recipe;
  const bundle = loadRecipeBundle(recipe, { trustStore: options.trustStore, now: options.now, lookup: options.lookupBundle });
  const variableNames = new Set(Object.keys(document.variables));
  const tablePath = input.deviceTablePath ?? (document.deviceTable ? resolve(recipe.folder, document.deviceTable.path) : null);
  const deviceTable =
    tablePath === null ? null : readDeviceTable(resolve(tablePath), document.deviceTable?.matchBy ?? 'serial', variableNames);
  const sitePath = input.siteValuesPath ?? (document.siteValues ? resolve(recipe.folder, document.siteValues.path) : null);
  const site = sitePath === null ? null : readSiteValues(resolve(sitePath));
  const revision = (await options.readGitRevision?.(recipe.path)) ?? null;
  return {
    recipe,
    bundle,
    deviceTable,
    site,
    provenance: {
      name: document.name,
      version: document.version,
      path: recipe.path,
      contentSha256: recipe.contentSha256,
      gitCommit: revision?.commit ?? null,
      isModified: revision?.isModified ?? null,
    },
  };
}

/**
 * The recipe for one device: refuses a device whose model or hardware revision the recipe does not
 * match, resolves the variables (allocations come from `allocate`: peeked by plan, recorded by apply)
 * and renders the settings.
 */
export function recipeForDevice(
  prepared: PreparedRecipe,
  device: { deviceId: string; identity: DeviceState['identity']; hardwareRevision: string },
  technicianValues: Readonly<Record<string, string>>,
  allocate: AllocationSource,
): PlanRecipe {
  const { document } = prepared.recipe;
  if (!document.match.model.includes(device.identity.model))
    throw new AppError(
      'DEVICE_MISMATCH',
      `the recipe ${document.name} is for ${document.match.model.join(', ')}; device ${device.deviceId} is a ${device.identity.model}`,
      { details: { deviceId: device.deviceId, model: device.identity.model } },
    );
  if (!document.match.hardwareRevisions.includes(device.hardwareRevision))
    throw new AppError(
      'DEVICE_MISMATCH',
      `the recipe ${document.name} is for hardware revisions ${document.match.hardwareRevisions.join(', ')}, not ${device.hardwareRevision}`,
      { details: { deviceId: device.deviceId, hardwareRevision: device.hardwareRevision } },
    );
  const variables = resolveVariables(
    document,
    { deviceId: device.deviceId, serial: device.identity.serial, hardwareId: device.identity.hardwareId },
    { technician: technicianValues, deviceTable: prepared.deviceTable, site: prepared.site },
    allocate,
  );
  const texts = new Map([...variables].map(([name, variable]) => [name, variable.text]));
  const settings = new Map(
    Object.entries(document.settings).map(([name, template]) => [
      name,
      {
        text: renderTemplate(template, texts),
        isSecret: placeholdersOf(template).some((variable) => variables.get(variable)?.isSecret === true),
      },
    ]),
  );
  const row = prepared.deviceTable === null ? null : prepared.deviceTable.rows;
  const tableLine =
    row === null
      ? null
      : (row.get(prepared.deviceTable!.matchBy === 'serial' ? device.identity.serial : device.identity.hardwareId.toLowerCase())?.line ?? null);
  return {
    deviceId: device.deviceId,
    hardwareRevision: device.hardwareRevision,
    provenance: prepared.provenance,
    inputs: {
      deviceTable:
        prepared.deviceTable === null ? null : { path: prepared.deviceTable.path, sha256: prepared.deviceTable.sha256, line: tableLine },
      siteValues: prepared.site === null ? null : { path: prepared.site.path, sha256: prepared.site.sha256 },
    },
    bundle: prepared.bundle,
    profile: document.certificate,
    variables,
    settings,
  };
}
