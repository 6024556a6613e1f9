import { execFile } from 'node:child_process';
import { basename, dirname } from 'node:path';

/** A git command that does not answer within this is taken as "not a checkout" (a hung credential helper, a huge repo). */
const GIT_TIMEOUT_MS = 5_000;

function git(folder: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('git', ['-C', folder, ...args], { timeout: GIT_TIMEOUT_MS, maxBuffer: 1024 * 1024 }, (error, stdout) =>
      resolve(error ? null : stdout.trim()),
    );
  });
}

/**
 * Recipes as code: when the recipe's folder is in a git checkout, the commit checked out
 * (`git rev-parse HEAD`) and whether the recipe file differs from it (`git status --porcelain`, which also
 * counts an untracked file as modified: it is not in the commit). Null outside git or without git.
 */
export async function readRecipeGitRevision(file: string): Promise<{ commit: string; isModified: boolean } | null> {
  const folder = dirname(file);
  const commit = await git(folder, ['rev-parse', '--verify', 'HEAD']);
  if (commit === null || !/^[0-9a-f]{40,64}$/.test(commit)) return null;
  const status = await git(folder, ['status', '--porcelain', '--', basename(file)]);
  return { commit, isModified: status === null || status !== '' };
}
