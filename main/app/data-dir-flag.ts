/**
 * The value of `--data-dir` in `process.argv` (`--data-dir /x` or `--data-dir=/x`), wherever it
 * stands: Electron's argv also holds the executable, the app path and Chromium's own switches.
 */
export function readDataDirFlag(argv: readonly string[]): string | undefined {
  for (const [index, arg] of argv.entries()) {
    if (arg === '--data-dir') return argv[index + 1];
    if (arg.startsWith('--data-dir=')) return arg.slice('--data-dir='.length);
  }
  return undefined;
}
