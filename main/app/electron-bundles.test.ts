import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IPC_INVOKE_CHANNEL } from '../../shared/contract';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

function requiredModules(bundle: string): string[] {
  return [...new Set([...bundle.matchAll(/\brequire\("([^"]+)"\)/g)].map((match) => match[1] ?? ''))].sort();
}

interface SandboxedPreload {
  exposed: Map<string, unknown>;
  invokes: unknown[][];
  stringEvaluations: number;
}

/**
 * Runs the bundled preload roughly as Chromium's sandbox does: a fresh context whose `require` knows
 * only `electron`, and where evaluating strings as code is forbidden (as our CSP forbids it). Every
 * attempt to build a function from a string is counted, even the ones the code catches.
 */
function runPreloadSandboxed(code: string): SandboxedPreload {
  const result: SandboxedPreload = { exposed: new Map(), invokes: [], stringEvaluations: 0 };
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => result.exposed.set(key, api) },
    ipcRenderer: {
      on: () => undefined,
      invoke: (...args: unknown[]) => {
        result.invokes.push(args);
        return Promise.resolve({ ok: true, value: { devices: [] } });
      },
    },
  };
  const sandboxRequire = (name: string): unknown => {
    if (name === 'electron') return electron;
    throw new Error(`module not found: ${name}`);
  };
  const context = vm.createContext(
    { require: sandboxRequire, module: { exports: {} }, setTimeout },
    { codeGeneration: { strings: false, wasm: false } },
  );
  const contextFunction = vm.runInContext('Function', context) as FunctionConstructor;
  context.Function = new Proxy(contextFunction, {
    construct(target, args: unknown[]) {
      result.stringEvaluations += 1;
      return Reflect.construct(target, args) as object;
    },
  });
  vm.runInContext(code, context);
  return result;
}

describe('the Electron bundles', () => {
  let outDir: string;
  let mainBundle: string;
  let preloadBundle: string;

  beforeAll(async () => {
    outDir = mkdtempSync(path.join(tmpdir(), 'fieldline-bundles-'));
    await promisify(execFile)(process.execPath, ['scripts/build-electron.mjs', '--out-dir', outDir], {
      cwd: repoRoot,
    });
    mainBundle = readFileSync(path.join(outDir, 'main.cjs'), 'utf8');
    preloadBundle = readFileSync(path.join(outDir, 'preload.cjs'), 'utf8');
  });

  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('boot the main process: the real runtime opens, IPC answers our window only, and quitting waits for the close', async () => {
    const dataDir = path.join(outDir, 'data');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(repoRoot, 'main/app/testing/main-bundle-harness.ts'),
        path.join(outDir, 'main.cjs'),
        dataDir,
      ],
      // The bundle lies outside the repository here, so its externals are found through NODE_PATH.
      { cwd: repoRoot, env: { ...process.env, NODE_PATH: path.join(repoRoot, 'node_modules') } },
    );
    const result = JSON.parse(stdout) as {
      events: string[];
      appInfo: unknown;
      foreign: unknown;
      isQuitHeld: boolean;
    };
    expect(result.appInfo).toMatchObject({
      ok: true,
      value: { host: 'electron', dataDir, version: '0.0.0-harness' },
    });
    expect(result.foreign).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    expect(result.isQuitHeld).toBe(true);
    expect(result.events).toEqual(['loadURL app://fieldline/index.html', 'quit']);
  });

  it('leave electron and native modules to be required at run time', () => {
    const required = requiredModules(mainBundle);
    expect(required).toContain('electron');
    expect(required).toContain('better-sqlite3');
  });

  it('give the preload no import but electron, which is all a sandboxed preload may require', () => {
    expect(requiredModules(preloadBundle)).toEqual(['electron']);
  });

  it('run the preload in a sandbox-like context, exposing only window.bridge', async () => {
    const preload = runPreloadSandboxed(preloadBundle);
    expect([...preload.exposed.keys()]).toEqual(['bridge']);
    const bridge = preload.exposed.get('bridge') as { invoke(name: string): Promise<unknown> };
    await expect(bridge.invoke('devices:list')).resolves.toEqual({ devices: [] });
    expect(preload.invokes).toEqual([[IPC_INVOKE_CHANNEL, 'devices:list', undefined]]);
  });

  it('never try to evaluate a string in the preload, which the CSP would report as a violation', async () => {
    const preload = runPreloadSandboxed(preloadBundle);
    const bridge = preload.exposed.get('bridge') as { invoke(name: string): Promise<unknown> };
    await bridge.invoke('devices:list');
    expect(preload.stringEvaluations).toBe(0);
  });
});
