import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, parse } from 'node:path';
import { AppError } from '../../../shared/errors';

/**
 * A path pattern such as `/tmp/fieldline-lab/*\/*\/pty/app`: `*` matches any run of characters and `?`
 * one character, within one path segment (never across `/`). Node 20's `fs.glob` is experimental, and a
 * serial-port pattern needs no more than this, so a small matcher over `readdir` does it.
 */
export interface PathGlob {
  readonly pattern: string;
  readonly root: string;
  readonly segments: readonly (string | RegExp)[];
}

/** Parses an absolute pattern; a relative or empty one is INVALID_INPUT, since it would depend on the working folder. */
export function parsePathGlob(pattern: string): PathGlob {
  const trimmed = pattern.trim();
  if (trimmed === '' || !isAbsolute(trimmed)) {
    throw new AppError('INVALID_INPUT', `serial port pattern "${pattern}" must be an absolute path`, {
      details: { pattern },
    });
  }
  const { root } = parse(trimmed);
  const segments = trimmed
    .slice(root.length)
    .split(/[\\/]+/)
    .filter((segment) => segment !== '')
    .map((segment) => (/[*?]/.test(segment) ? segmentPattern(segment) : segment));
  return { pattern: trimmed, root, segments };
}

/**
 * The character devices (or links to one) that the patterns match now, sorted and without duplicates.
 * A folder that is missing or unreadable simply matches nothing: the lab's folders come and go.
 */
export async function expandPathGlobs(globs: readonly PathGlob[]): Promise<string[]> {
  const found = new Set<string>();
  for (const glob of globs) for (const path of await expand(glob.root, glob.segments)) found.add(path);
  const devices = await Promise.all(
    [...found].map(async (path) => ((await isCharacterDevice(path)) ? path : null)),
  );
  return devices.filter((path): path is string => path !== null).sort();
}

async function expand(base: string, segments: readonly (string | RegExp)[]): Promise<string[]> {
  const [head, ...rest] = segments;
  if (head === undefined) return [base];
  if (typeof head === 'string') return expand(join(base, head), rest);
  let names: string[];
  try {
    names = await readdir(base);
  } catch {
    return [];
  }
  const matches = names.filter((name) => head.test(name)).sort();
  return (await Promise.all(matches.map((name) => expand(join(base, name), rest)))).flat();
}

/** Follows links: the lab's pty paths are symlinks to /dev/pts/N, and a dangling one is not a port. */
async function isCharacterDevice(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isCharacterDevice();
  } catch {
    return false;
  }
}

function segmentPattern(segment: string): RegExp {
  const escaped = segment.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

/** Splits a comma-separated list (the `FIELDLINE_SERIAL_GLOBS` form) into patterns, ignoring blanks. */
export function splitPatternList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}
