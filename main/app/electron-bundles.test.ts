import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IPC_INVOKE_CHANNEL } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { silentLogger } from '../core/ports/logger';
import type { FlashProcessExit } from '../host/flash-process/flash-process-handle';
import { ProcessFlashExecutor } from '../host/flash-process/process-flash-executor';
import { nodeUtilityProcess } from './testing/utility-process-stand-in';
import { FLASH_PROCESS_BUNDLE, utilityFlashProcessSpawner } from './utility-flash-process';

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
  let flashProcessBundle: string;

  beforeAll(async () => {
    outDir = mkdtempSync(path.join(tmpdir(), 'fieldline-bundles-'));
    await promisify(execFile)(process.execPath, ['scripts/build-electron.mjs', '--out-dir', outDir], {
      cwd: repoRoot,
    });
    mainBundle = readFileSync(path.join(outDir, 'main.cjs'), 'utf8');
    preloadBundle = readFileSync(path.join(outDir, 'preload.cjs'), 'utf8');
    flashProcessBundle = readFileSync(path.join(outDir, FLASH_PROCESS_BUNDLE), 'utf8');
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

  it('compile the flash process into flash-process.cjs, which needs no TypeScript loader at run time', () => {
    const required = requiredModules(flashProcessBundle);
    expect(required).toContain('serialport');
    expect(required.filter((name) => name === 'tsx' || name.startsWith('tsx/'))).toEqual([]);
    expect(flashProcessBundle).not.toMatch(/["']tsx(\/[^"']*)?["']/);
    expect(required).not.toContain('electron');
  });

  it('run the bundled flash process as a utility process: its error comes back over parentPort, then it exits by itself', async () => {
    const exits: FlashProcessExit[] = [];
    const spawn = utilityFlashProcessSpawner(
      {
        // The bundle lies outside the repository here, so its externals are found through NODE_PATH.
        fork: (modulePath, args, options) =>
          nodeUtilityProcess.fork(modulePath, args, {
            ...options,
            env: { ...process.env, NODE_PATH: path.join(repoRoot, 'node_modules') },
          }),
      },
      path.join(outDir, FLASH_PROCESS_BUNDLE),
    );
    const executor = new ProcessFlashExecutor({
      logger: silentLogger,
      spawnFlashProcess: () => {
        const handle = spawn();
        handle.onExit((exit) => exits.push(exit));
        return handle;
      },
    });
    const outcome = await executor
      .run(
        {
          jobId: 'job-bundle-1',
          deviceId: 'device-1',
          endpoint: { kind: 'serial', path: '/dev/fieldline-no-such-port', baudRate: 115_200 },
          expectedHardwareId: null,
          bundlePath: path.join(outDir, 'missing.fwb'),
          trustStorePath: null,
          hardwareRevision: 'A',
          ledgerSecurityCounter: null,
          nowIso: new Date().toISOString(),
          memory: { testResetSentAtMs: null, healthFailure: null },
        },
        {
          onStep: () => undefined,
          onProgress: () => undefined,
          checkpoint: () => Promise.resolve(),
          locate: () => Promise.resolve([]),
          signal: new AbortController().signal,
        },
      )
      .catch((error: unknown) => error);
    expect(outcome).toBeInstanceOf(AppError);
    expect(outcome).toMatchObject({ code: 'NOT_FOUND' });
    expect((outcome as AppError).message).toContain('fieldline-no-such-port');
    expect(exits).toEqual([{ code: 0, signal: null }]);
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
