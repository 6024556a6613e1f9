import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { _electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

/** The Electron executable, or `undefined`: the `electron` package throws when its binary was never downloaded. */
function findElectronBinary(): string | undefined {
  try {
    const binary: unknown = createRequire(import.meta.url)('electron');
    return typeof binary === 'string' && existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

const electronBinary = findElectronBinary();
const SKIP_REASON = 'skipped: the Electron binary is not installed (it cannot be downloaded on this machine)';
if (electronBinary === undefined) console.info(`electron-binary.test.ts: ${SKIP_REASON}`);

describe('the real Electron app', () => {
  it.skipIf(electronBinary === undefined)(
    `starts hardened and answers over window.bridge${electronBinary === undefined ? ` (${SKIP_REASON})` : ''}`,
    async () => {
      await run('npm', ['run', 'build'], { cwd: repoRoot });
      const dataDir = mkdtempSync(path.join(tmpdir(), 'fieldline-electron-'));
      const electronApp = await _electron.launch({
        executablePath: electronBinary,
        args: [repoRoot, `--data-dir=${dataDir}`],
        cwd: repoRoot,
      });
      try {
        const page = await electronApp.firstWindow();
        // Runs in the page; main/'s TypeScript has no DOM types, hence globalThis.
        const seenByPage = await page.evaluate(async () => {
          const globals = globalThis as unknown as Record<string, unknown>;
          const bridge = globals.bridge as {
            invoke(name: string): Promise<{ host: string; dataDir: string }>;
          };
          return {
            origin: (globals.location as { origin: string }).origin,
            bridgeKeys: Object.keys(bridge).sort(),
            hasNode: typeof globals.require !== 'undefined' || typeof globals.process !== 'undefined',
            info: await bridge.invoke('app:info'),
          };
        });
        expect(seenByPage).toMatchObject({
          origin: 'app://fieldline',
          bridgeKeys: ['invoke', 'on'],
          hasNode: false,
          info: { host: 'electron', dataDir },
        });
      } finally {
        await electronApp.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    180_000,
  );
});

describe('npm start', () => {
  it.skipIf(electronBinary !== undefined)(
    'without the Electron binary, prints one line pointing at the station and exits with 1',
    async () => {
      // ELECTRON_SKIP_BINARY_DOWNLOAD keeps the installer from downloading on machines that could.
      const result = await run(process.execPath, ['scripts/start-electron.mjs'], {
        cwd: repoRoot,
        env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
      }).then(
        () => ({ code: 0, stdout: '', stderr: '' }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr.trimEnd().split('\n')).toEqual([expect.stringContaining('npm run station')]);
    },
  );
});
