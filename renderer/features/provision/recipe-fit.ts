import type { Device, RecipeSummary } from '../../../shared/contract';

export type RecipeFit = { fits: true } | { fits: false; reason: string };

/**
 * Whether a recipe can be offered for a device (ux.md: "choose recipe"): a broken recipe or one for
 * another model is shown but cannot be chosen, with the reason in words. The core refuses a mismatch
 * anyway (DEVICE_MISMATCH); saying it here saves the technician a round trip to the device.
 */
export function recipeFit(recipe: RecipeSummary, device: Pick<Device, 'model'> | null | undefined): RecipeFit {
  if (recipe.error !== null) return { fits: false, reason: 'This recipe cannot be used: see its error.' };
  const model = device?.model ?? null;
  if (model === null) return { fits: true };
  if (recipe.models.includes(model)) return { fits: true };
  return { fits: false, reason: `For ${recipe.models.join(', ')}; this device is a ${model}.` };
}

/** The recipe preselected for a device: the only one that fits it (ux.md: "or it is preselected by the device model"). */
export function preselectedRecipe(recipes: readonly RecipeSummary[], device: Pick<Device, 'model'> | null | undefined): RecipeSummary | null {
  const fitting = recipes.filter((recipe) => recipeFit(recipe, device).fits);
  return fitting.length === 1 ? (fitting[0] ?? null) : null;
}
