const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_]{0,63})\s*\}\}/g;

/** The variable names a settings template refers to, in order, each once. */
export function placeholdersOf(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((match) => match[1]!))];
}

/**
 * Fills `{{name}}` placeholders with the variables' text. Every name was checked against the declared
 * variables when the recipe was loaded, and every declared variable has a value once resolved.
 */
export function renderTemplate(template: string, values: ReadonlyMap<string, string>): string {
  return template.replace(PLACEHOLDER, (_match, name: string) => values.get(name) ?? '');
}
