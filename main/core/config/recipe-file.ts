import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { AppError, type ErrorCode } from '../../../shared/errors';
import { recipeSchema, type RecipeDocument } from './recipe-schema';
import { isSecretVariable } from './secret-values';
import { placeholdersOf } from './settings-template';
import { parseYamlDocument } from './yaml-file';

/** A recipe is a page of YAML; anything bigger is a mistake or an attack. */
export const MAX_RECIPE_BYTES = 256 * 1024;

/** A recipe read from disk: the validated document, where it lives, and the hash of its exact bytes. */
export interface LoadedRecipe {
  path: string;
  folder: string;
  document: RecipeDocument;
  /** SHA-256 (hex) of the file as read: what the ledger records. */
  contentSha256: string;
}

/** A small file read whole, with its SHA-256; errors name the file. */
export function readBoundedFile(
  path: string,
  maxBytes: number,
  code: ErrorCode,
  what: string,
): { text: string; sha256: string } {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (error: unknown) {
    throw new AppError(code, `${what} ${path} cannot be read: ${(error as Error).message}`, {
      cause: error,
      details: { file: path },
    });
  }
  if (size > maxBytes)
    throw new AppError(code, `${what} ${path} is ${size} bytes; at most ${maxBytes} are accepted`, {
      details: { file: path },
    });
  const bytes = readFileSync(path);
  return { text: bytes.toString('utf8'), sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** Reads, parses and checks a recipe; RECIPE_INVALID names the file, the place in it and the problem. */
export function loadRecipe(path: string): LoadedRecipe {
  const absolute = resolve(path);
  const { text, sha256 } = readBoundedFile(absolute, MAX_RECIPE_BYTES, 'RECIPE_INVALID', 'the recipe');
  const document = parseYamlDocument({ name: absolute, text, code: 'RECIPE_INVALID' }, recipeSchema);
  checkReferences(absolute, document);
  return { path: absolute, folder: dirname(absolute), document, contentSha256: sha256 };
}

/** Every placeholder and allocator names a declared variable; a secret cannot be allocated. */
function checkReferences(file: string, document: RecipeDocument): void {
  const refuse = (where: string, problem: string): never => {
    throw new AppError('RECIPE_INVALID', `${file}, ${where}: ${problem}`, {
      details: { file, path: where },
    });
  };
  for (const [name, template] of Object.entries(document.settings)) {
    for (const variable of placeholdersOf(template)) {
      if (!Object.hasOwn(document.variables, variable))
        refuse(`settings.${name}`, `{{${variable}}} is not a declared variable`);
    }
  }
  for (const name of Object.keys(document.allocators)) {
    const schema = document.variables[name];
    if (schema === undefined) refuse(`allocators.${name}`, 'is not a declared variable');
    if (schema?.type !== 'string') refuse(`allocators.${name}`, 'allocates text: declare the variable as type string');
  }
  for (const [name, schema] of Object.entries(document.variables)) {
    // A default sits in the recipe file (often in git): no place for a secret.
    if (isSecretVariable(schema) && schema.default !== undefined)
      refuse(`variables.${name}.default`, 'a secret variable cannot have a default in the recipe');
    if (schema.pattern !== undefined) {
      try {
        new RegExp(schema.pattern, 'u');
      } catch {
        refuse(`variables.${name}.pattern`, 'is not a valid regular expression');
      }
    }
  }
}
