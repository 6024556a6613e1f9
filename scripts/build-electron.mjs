#!/usr/bin/env node
// Bundles the Electron main process, the preload and the flash process into dist/electron
// (`npm run build:electron`).
// Usage: node scripts/build-electron.mjs [--out-dir DIR]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { 'out-dir': { type: 'string', default: 'dist/electron' } } });
const outDir = path.resolve(root, values['out-dir']);
const packageJson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

// Native modules cannot be bundled (they load a .node file beside their own code, and electron-builder
// rebuilds them for Electron's ABI); they stay in node_modules, unpacked from the asar.
const NATIVE_MODULES = [
  'better-sqlite3',
  'serialport',
  '@serialport/*',
  'usb',
  'pkcs11js',
  'bufferutil',
  'utf-8-validate',
];
// Every production dependency is shipped in node_modules by electron-builder anyway, so the main
// bundle leaves them there too: pino and others find their worker files and assets at run time.
const PRODUCTION_DEPENDENCIES = Object.keys(packageJson.dependencies ?? {});

const common = {
  absWorkingDir: root,
  bundle: true,
  format: 'cjs',
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
};

// The main process and the flash process are Node code in the same folder: same externals, same shim.
const nodeBundle = {
  ...common,
  platform: 'node',
  target: 'node20',
  external: ['electron', ...NATIVE_MODULES, ...PRODUCTION_DEPENDENCIES],
  // The shared host code finds files relative to `import.meta.url` (ESM); in these CommonJS bundles
  // that is the bundle's own location, which keeps the same place relative to package.json.
  define: { 'import.meta.url': '__bundleFileUrl' },
  banner: { js: 'const __bundleFileUrl = require("node:url").pathToFileURL(__filename).href;' },
};

const [, preload, flashProcess] = await Promise.all([
  build({ ...nodeBundle, entryPoints: ['main/app/main.ts'], outfile: path.join(outDir, 'main.cjs') }),
  build({
    ...common,
    entryPoints: ['main/app/preload.ts'],
    outfile: path.join(outDir, 'preload.cjs'),
    // A sandboxed preload is a browser context with a tiny `require` (electron, events, timers, url):
    // everything else, zod and shared/contract included, must be inside this one file.
    platform: 'browser',
    target: 'chrome146',
    external: ['electron'],
    // Parsed at every window load; minified it is 40% smaller (the source map keeps it debuggable).
    minify: true,
  }),
  // Each flash job's utility process in the packaged app (main/app/utility-flash-process.ts): the
  // compiled flash-process.ts, so no TypeScript loader (tsx) is needed at run time.
  build({
    ...nodeBundle,
    entryPoints: ['main/host/flash-process/flash-process.ts'],
    outfile: path.join(outDir, 'flash-process.cjs'),
  }),
]).catch(() => fail('esbuild failed (its errors are above)'));

assertOnlyImports(preload.metafile, ['electron'], 'preload.cjs');
assertNoImport(flashProcess.metafile, ['tsx', 'electron'], 'flash-process.cjs');

function externalImports(metafile) {
  return Object.values(metafile.outputs).flatMap((output) =>
    output.imports.filter((entry) => entry.external).map((entry) => entry.path),
  );
}

function assertOnlyImports(metafile, allowed, name) {
  const foreign = externalImports(metafile).filter((imported) => !allowed.includes(imported));
  if (foreign.length > 0) {
    fail(`${name} would require ${foreign.join(', ')}, which a sandboxed preload cannot load`);
  }
}

function assertNoImport(metafile, forbidden, name) {
  const found = externalImports(metafile).filter((imported) =>
    forbidden.some((module) => imported === module || imported.startsWith(`${module}/`)),
  );
  if (found.length > 0)
    fail(`${name} would require ${found.join(', ')}, which the packaged flash process must not load`);
}

function fail(message) {
  console.error(`build-electron: ${message}`);
  process.exit(1);
}

const written = ['main.cjs', 'preload.cjs', 'flash-process.cjs'].map((file) =>
  path.relative(root, path.join(outDir, file)),
);
console.log(`build-electron: wrote ${written.join(', ')}`);
