import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { makeTempDir } from '../../test-support/temp-dir';
import { loadRecipe, MAX_RECIPE_BYTES } from './recipe-file';
import { LAB_RECIPE_YAML } from './test-support/recipe-text';

describe('loadRecipe', () => {
  const dirs: ReturnType<typeof makeTempDir>[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()));

  function write(text: string): string {
    const dir = makeTempDir('fieldline-recipe-');
    dirs.push(dir);
    const path = join(dir.path, 'recipe.yaml');
    writeFileSync(path, text);
    return path;
  }

  function refusal(text: string): AppError {
    const path = write(text);
    try {
      loadRecipe(path);
    } catch (error: unknown) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('RECIPE_INVALID');
      expect((error as AppError).message).toContain(path);
      return error as AppError;
    }
    throw new Error('the recipe was accepted');
  }

  it('reads a valid recipe with defaults filled in and the hash of its bytes', () => {
    const path = write(LAB_RECIPE_YAML);
    const recipe = loadRecipe(path);
    expect(recipe.document.name).toBe('lab-gateway');
    expect(recipe.document.bundle).toEqual({ path: 'firmware/lab-2.1.0.fwb' });
    expect(recipe.document.certificate.keyAlgorithm).toBe('p256');
    expect(recipe.document.allocators.hostname).toEqual({ pattern: 'gw-{counter:04}', start: 1 });
    expect(recipe.contentSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(loadRecipe(write(`${LAB_RECIPE_YAML}\n`)).contentSha256).not.toBe(recipe.contentSha256);
  });

  it('names the path and line of a value of the wrong type', () => {
    const error = refusal(LAB_RECIPE_YAML.replace('minimum: 10', 'minimum: ten'));
    expect(error.message).toMatch(/variables\.reportSeconds\.minimum \(line 2\d\):/);
    expect(error.details).toMatchObject({ path: 'variables.reportSeconds.minimum' });
  });

  it('refuses unknown keys, a certificate profile that fails its schema, and a bad settings name', () => {
    expect(refusal(`${LAB_RECIPE_YAML}colour: blue\n`).message).toMatch(/\(top level\).*colour/);
    expect(refusal(LAB_RECIPE_YAML.replace('organization: Fieldline', 'organization: "Fi,eld"')).message).toMatch(
      /certificate\.subject\.organization/,
    );
    expect(refusal(LAB_RECIPE_YAML.replace('net/hostname:', '"../x":')).message).toMatch(/settings\.\.\.\/x/);
  });

  it('refuses placeholders of undeclared variables, allocators of non-text, and secret defaults', () => {
    expect(refusal(LAB_RECIPE_YAML.replace('{{hostname}}', '{{hostnam}}')).message).toMatch(
      /settings\.net\/hostname: \{\{hostnam\}\} is not a declared variable/,
    );
    expect(refusal(LAB_RECIPE_YAML.replace('  hostname:\n    pattern', '  reportSeconds:\n    pattern')).message).toMatch(
      /allocators\.reportSeconds/,
    );
    expect(refusal(LAB_RECIPE_YAML.replace('x-secret: true', 'x-secret: true\n    default: hunter2hunter2')).message).toMatch(
      /variables\.wifiPassword\.default: a secret variable cannot have a default/,
    );
  });

  it('refuses hostile YAML: an alias bomb, duplicate keys, custom tags, a huge document, not a map', () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ...Array.from({ length: 8 }, (_, level) => {
        const ref = String.fromCharCode(97 + level);
        const name = String.fromCharCode(98 + level);
        return `${name}: &${name} [${Array(9).fill(`*${ref}`).join(',')}]`;
      }),
    ].join('\n');
    expect(refusal(bomb).message).toMatch(/alias/i);
    expect(refusal(`${LAB_RECIPE_YAML}name: again\n`).message).toMatch(/line \d+: .*unique/i);
    expect(refusal(LAB_RECIPE_YAML.replace('version: 1.2.0', 'version: !!js/function "x"')).message).toMatch(/line 2/);
    expect(refusal(`${LAB_RECIPE_YAML}#${'x'.repeat(MAX_RECIPE_BYTES)}\n`).message).toMatch(/at most 262144/);
    expect(refusal('- just\n- a list\n').message).toMatch(/\(top level\)/);
  });

  it('refuses a file that is not there, naming it', () => {
    const dir = makeTempDir('fieldline-recipe-');
    dirs.push(dir);
    expect(() => loadRecipe(join(dir.path, 'nope.yaml'))).toThrow(/nope\.yaml cannot be read/);
  });
});
