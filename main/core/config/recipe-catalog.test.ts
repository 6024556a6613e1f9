import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test-support/temp-dir';
import { listRecipes, recipeFoldersFromList } from './recipe-catalog';
import { LAB_RECIPE_YAML } from './test-support/recipe-text';

const SHIPPED_RECIPES = fileURLToPath(new URL('../../../resources/recipes', import.meta.url));

describe('listRecipes', () => {
  const dirs: ReturnType<typeof makeTempDir>[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()));

  function folder(): string {
    const dir = makeTempDir('fieldline-recipes-');
    dirs.push(dir);
    return dir.path;
  }

  function writeRecipe(path: string, text: string): string {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
    return path;
  }

  it('finds recipe.yaml in subfolders and *.recipe.yaml beside them, sorted by name, and nothing else', () => {
    const root = folder();
    writeRecipe(join(root, 'gateway', 'recipe.yaml'), LAB_RECIPE_YAML);
    writeRecipe(join(root, 'gateway', 'site.yaml'), 'site: berlin\n');
    writeRecipe(join(root, 'alpha.recipe.yml'), LAB_RECIPE_YAML.replace('name: lab-gateway', 'name: alpha'));
    writeRecipe(join(root, 'notes.yaml'), 'not: a recipe\n');
    writeRecipe(join(root, 'deep', 'deeper', 'recipe.yaml'), LAB_RECIPE_YAML);

    const { recipes, folders } = listRecipes([{ path: root, origin: 'data-dir' }]);

    expect(folders).toEqual([{ path: root, origin: 'data-dir', state: 'ok' }]);
    expect(recipes.map((recipe) => [recipe.name, recipe.path])).toEqual([
      ['alpha', join(root, 'alpha.recipe.yml')],
      ['lab-gateway', join(root, 'gateway', 'recipe.yaml')],
    ]);
    const gateway = recipes[1]!;
    expect(gateway).toMatchObject({ version: '1.2.0', models: ['fieldline-lab-nrf52840'], hardwareRevisions: ['A', 'B'], error: null, origin: 'data-dir', folder: root });
    expect(gateway.contentSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('describes each variable: type, limits, secret, and required only when nothing but the technician supplies it', () => {
    const root = folder();
    writeRecipe(join(root, 'gw', 'recipe.yaml'), LAB_RECIPE_YAML);
    const variables = listRecipes([{ path: root, origin: 'environment' }]).recipes[0]!.variables;
    const byName = Object.fromEntries(variables.map((variable) => [variable.name, variable]));

    expect(byName['hostname']).toMatchObject({ type: 'string', format: 'hostname', suppliedBy: ['allocator'], isRequired: false, isSecret: false });
    expect(byName['reportSeconds']).toMatchObject({ type: 'integer', minimum: 10, maximum: 3600, defaultValue: '60', suppliedBy: ['default'], isRequired: false });
    expect(byName['wifiPassword']).toMatchObject({ isSecret: true, minLength: 8, defaultValue: null, isRequired: true });
    expect(byName['site']).toMatchObject({ isRequired: true, suppliedBy: [] });
  });

  it('counts a site file key and a device table column as suppliers, without passing their values on', () => {
    const root = folder();
    const text = `${LAB_RECIPE_YAML}siteValues: { path: site.yaml }\ndeviceTable: { path: devices.csv, matchBy: serial }\n`.replace(
      '  wifiPassword:\n',
      '  region:\n    type: string\n    enum: [eu, us]\n  wifiPassword:\n',
    );
    writeRecipe(join(root, 'gw', 'recipe.yaml'), text);
    writeFileSync(join(root, 'gw', 'site.yaml'), 'site: secret-site-value\n');
    writeFileSync(join(root, 'gw', 'devices.csv'), 'serial,"region"\nFL-1,eu\n');

    const [recipe] = listRecipes([{ path: root, origin: 'data-dir' }]).recipes;
    const byName = Object.fromEntries(recipe!.variables.map((variable) => [variable.name, variable]));

    expect(byName['site']).toMatchObject({ suppliedBy: ['site'], isRequired: false });
    expect(byName['region']).toMatchObject({ enum: ['eu', 'us'], suppliedBy: ['device-table'], isRequired: false });
    expect(byName['wifiPassword']?.isRequired).toBe(true);
    expect(JSON.stringify(recipe)).not.toContain('secret-site-value');
  });

  it('lists a broken recipe with RECIPE_INVALID naming the file and the problem instead of hiding it', () => {
    const root = folder();
    const broken = writeRecipe(join(root, 'broken', 'recipe.yaml'), LAB_RECIPE_YAML.replace('minimum: 10', 'minimum: ten'));
    writeRecipe(join(root, 'good', 'recipe.yaml'), LAB_RECIPE_YAML);

    const { recipes } = listRecipes([{ path: root, origin: 'data-dir' }]);

    expect(recipes.map((recipe) => recipe.name)).toEqual(['lab-gateway', null]);
    const failed = recipes[1]!;
    expect(failed.path).toBe(broken);
    expect(failed.error?.code).toBe('RECIPE_INVALID');
    expect(failed.error?.message).toContain(broken);
    expect(failed.error?.message).toContain('variables.reportSeconds.minimum');
    expect(failed.variables).toEqual([]);
  });

  it('reports a missing folder, lists the same file once when two folders reach it, and keeps the first origin', () => {
    const root = folder();
    writeRecipe(join(root, 'gw', 'recipe.yaml'), LAB_RECIPE_YAML);
    const alias = join(folder(), 'alias');
    symlinkSync(root, alias);
    const missing = join(root, 'nothing-here');

    const { recipes, folders } = listRecipes([
      { path: missing, origin: 'data-dir' },
      { path: root, origin: 'environment' },
      { path: `${root}/`, origin: 'shipped' },
      { path: alias, origin: 'shipped' },
    ]);

    expect(folders).toEqual([
      { path: missing, origin: 'data-dir', state: 'missing' },
      { path: root, origin: 'environment', state: 'ok' },
      { path: alias, origin: 'shipped', state: 'ok' },
    ]);
    expect(recipes).toHaveLength(1);
    expect(recipes[0]?.origin).toBe('environment');
  });

  it('reads the shipped example recipe with the values the technician must type', () => {
    const { recipes } = listRecipes([{ path: SHIPPED_RECIPES, origin: 'shipped' }]);
    const sensor = recipes.find((recipe) => recipe.name === 'lab-sensor');
    expect(sensor?.error).toBeNull();
    expect(sensor?.variables.filter((variable) => variable.isRequired).map((variable) => variable.name)).toEqual(['wifiPassword']);
  });
});

describe('recipeFoldersFromList', () => {
  it('splits on the delimiter, ignores blanks and resolves each folder', () => {
    expect(recipeFoldersFromList('/a/recipes: /b ::', ':')).toEqual(['/a/recipes', '/b']);
    expect(recipeFoldersFromList(undefined, ':')).toEqual([]);
  });
});
