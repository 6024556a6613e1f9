#!/usr/bin/env node
// `npm start`: builds the renderer and the Electron bundles, then runs the desktop app.
// The Electron binary is fetched by the `electron` package on first use; where it cannot be downloaded
// (our build machines have no internet), this prints one line pointing at `npm run station` and exits 1.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const INSTALL_TIMEOUT_MS = 10 * 60 * 1000;
const MISSING_BINARY_MESSAGE =
  "Electron's binary is not installed (it could not be downloaded here); run `npm run station` for the browser-controlled station.";

// Checked before building: without the binary there is nothing to launch, so fail fast.
const electronPath = findElectronBinary() ?? (tryInstallElectron() ? findElectronBinary() : undefined);
if (electronPath === undefined) {
  console.error(MISSING_BINARY_MESSAGE);
  process.exit(1);
}

runOrExit('npm', ['run', 'build']);
launch(electronPath, ['.', ...process.argv.slice(2)]);

/** The executable's path, or `undefined` when the `electron` package has no binary (it throws then). */
function findElectronBinary() {
  try {
    delete require.cache[require.resolve('electron')];
    const binary = require('electron');
    return typeof binary === 'string' && existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs the `electron` package's own installer (its postinstall is denied in package.json so that
 * `npm ci` works offline). Its output is kept back: on success nothing needs saying, and on failure
 * the one-line message says it.
 */
function tryInstallElectron() {
  const installScript = path.join(path.dirname(require.resolve('electron/package.json')), 'install.js');
  if (process.stderr.isTTY) process.stderr.write("Fetching Electron's binary…");
  const result = spawnSync(process.execPath, [installScript], {
    cwd: root,
    stdio: 'ignore',
    timeout: INSTALL_TIMEOUT_MS,
  });
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  return result.status === 0;
}

function runOrExit(command, args) {
  const isWindows = process.platform === 'win32';
  const result = spawnSync(isWindows ? `${command}.cmd` : command, args, {
    cwd: root,
    stdio: 'inherit',
    shell: isWindows,
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function launch(binary, args) {
  // ELECTRON_RUN_AS_NODE (set by some editors' terminals) would start a plain Node.js instead of the app.
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(binary, args, { cwd: root, stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 0 : 1)));
}
