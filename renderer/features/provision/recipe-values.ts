import type { RecipeVariable } from '../../../shared/contract';

/**
 * The technician's values for a recipe, checked in the browser before the plan is asked for, so a typo
 * is named beside its field. The core checks every value again against the recipe's JSON Schema
 * (RECIPE_VALUE_INVALID); these checks only cover what the form can say inline.
 */
export function valueProblem(variable: RecipeVariable, text: string): string | null {
  if (text === '') return variable.isRequired ? 'Enter a value: nothing else supplies it.' : null;
  if (variable.type === 'integer' || variable.type === 'number') {
    const number = Number(text);
    if (!Number.isFinite(number)) return 'Enter a number.';
    if (variable.type === 'integer' && !Number.isInteger(number)) return 'Enter a whole number.';
    if (variable.minimum !== null && number < variable.minimum) return `At least ${variable.minimum}.`;
    if (variable.maximum !== null && number > variable.maximum) return `At most ${variable.maximum}.`;
    return null;
  }
  if (variable.type === 'boolean') return text === 'true' || text === 'false' ? null : 'Choose yes or no.';
  if (variable.enum !== null && !variable.enum.map(String).includes(text)) return `One of ${variable.enum.join(', ')}.`;
  if (variable.minLength !== null && [...text].length < variable.minLength) return `At least ${variable.minLength} characters.`;
  if (variable.maxLength !== null && [...text].length > variable.maxLength) return `At most ${variable.maxLength} characters.`;
  return null;
}

/** The values to send: only fields the technician filled in (an empty one leaves the variable to its other sources). */
export function filledValues(texts: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(texts).filter(([, text]) => text !== ''));
}

/** Where else the variable's value comes from, in words, for the hint under its field. */
export function supplierHint(variable: RecipeVariable): string | null {
  const parts = variable.suppliedBy.map((supplier) => {
    switch (supplier) {
      case 'default':
        return `default ${variable.defaultValue ?? ''}`.trim();
      case 'allocator':
        return 'the next number from the recipe’s counter';
      case 'site':
        return 'the site file';
      case 'device-table':
        return 'the device table (CSV)';
    }
  });
  return parts.length === 0 ? null : `Leave empty to use ${parts.join(', then ')}.`;
}
