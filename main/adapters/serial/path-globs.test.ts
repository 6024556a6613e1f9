import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test-support/temp-dir';
import { expandPathGlobs, parsePathGlob, splitPatternList } from './path-globs';

let dir: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  dir = makeTempDir();
});
afterEach(() => dir.remove());

/** `/dev/null` stands in for a pty: both are character devices, and links to it need no privileges. */
function link(...segments: string[]): string {
  const path = join(dir.path, ...segments);
  mkdirSync(join(path, '..'), { recursive: true });
  symlinkSync('/dev/null', path);
  return path;
}

describe('path globs for serial ports', () => {
  it('matches character devices (through links) segment by segment, sorted', async () => {
    const b = link('lab', 'dev-b', 'pty', 'app');
    const a = link('lab', 'dev-a', 'pty', 'app');
    link('lab', 'dev-a', 'pty', 'lab');
    const globs = [parsePathGlob(join(dir.path, 'lab', '*', 'pty', 'app'))];
    expect(await expandPathGlobs(globs)).toEqual([a, b]);
  });

  it('skips regular files, dangling links and missing folders', async () => {
    mkdirSync(join(dir.path, 'x'), { recursive: true });
    writeFileSync(join(dir.path, 'x', 'tty1'), '');
    symlinkSync(join(dir.path, 'nowhere'), join(dir.path, 'x', 'tty2'));
    const globs = [parsePathGlob(join(dir.path, 'x', 'tty?')), parsePathGlob(join(dir.path, 'missing', '*'))];
    expect(await expandPathGlobs(globs)).toEqual([]);
  });

  it('does not let * cross a folder boundary, and lists a path matched twice once', async () => {
    const deep = link('a', 'b', 'ttyLAB0');
    expect(await expandPathGlobs([parsePathGlob(join(dir.path, '*', 'ttyLAB0'))])).toEqual([]);
    const twice = [
      parsePathGlob(join(dir.path, 'a', '*', 'tty*')),
      parsePathGlob(join(dir.path, 'a', 'b', 'ttyLAB?')),
    ];
    expect(await expandPathGlobs(twice)).toEqual([deep]);
  });

  it('treats other pattern characters literally', async () => {
    const dotted = link('x.y', 'tty+1');
    link('xzy', 'tty+1');
    expect(await expandPathGlobs([parsePathGlob(join(dir.path, 'x.y', 'tty+*'))])).toEqual([dotted]);
  });

  it('refuses a relative or empty pattern, naming it', () => {
    expect(() => parsePathGlob('lab/*/app')).toThrow(/"lab\/\*\/app" must be an absolute path/);
    expect(() => parsePathGlob('  ')).toThrow(/absolute/);
  });

  it('splits the comma-separated environment form', () => {
    expect(splitPatternList(' /a/* , ,/b/tty?,')).toEqual(['/a/*', '/b/tty?']);
    expect(splitPatternList(undefined)).toEqual([]);
  });
});
