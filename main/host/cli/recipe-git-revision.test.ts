import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test-support/temp-dir';
import { readRecipeGitRevision } from './recipe-git-revision';

describe('readRecipeGitRevision (recipes as code)', () => {
  const dirs: ReturnType<typeof makeTempDir>[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()));

  it('names the commit, and says when the recipe differs from it; null outside git', async () => {
    const dir = makeTempDir('fieldline-recipe-git-');
    dirs.push(dir);
    const recipe = join(dir.path, 'recipe.yaml');
    writeFileSync(recipe, 'name: a\n');
    expect(await readRecipeGitRevision(recipe)).toBeNull();

    const git = (...args: string[]): string =>
      execFileSync('git', ['-C', dir.path, '-c', 'user.email=t@example.invalid', '-c', 'user.name=t', ...args], { encoding: 'utf8' }).trim();
    git('init', '-q');
    git('add', 'recipe.yaml');
    git('commit', '-q', '-m', 'recipe');
    const head = git('rev-parse', 'HEAD');
    expect(await readRecipeGitRevision(recipe)).toEqual({ commit: head, isModified: false });
    writeFileSync(recipe, 'name: b\n');
    expect(await readRecipeGitRevision(recipe)).toEqual({ commit: head, isModified: true });
  });
});
