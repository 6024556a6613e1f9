import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ForkOptions } from 'electron';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import type { FlashTask, FlashTaskHooks } from '../core/jobs/flash-task';
import { silentLogger } from '../core/ports/logger';
import type { FlashProcessExit, FlashProcessHandle } from '../host/flash-process/flash-process-handle';
import type { FromFlashProcess } from '../host/flash-process/flash-process-protocol';
import { ProcessFlashExecutor } from '../host/flash-process/process-flash-executor';
import { makeTempDir } from '../test-support/temp-dir';
import { nodeUtilityProcess } from './testing/utility-process-stand-in';
import { utilityFlashProcessSpawner, type UtilityProcessModule } from './utility-flash-process';

const FLASH_PROCESS_SOURCE = fileURLToPath(
  new URL('../host/flash-process/flash-process.ts', import.meta.url),
);

/** The stand-in utilityProcess (real Node children with a parentPort), recording every fork. */
function recordingUtilityProcess() {
  const forks: { modulePath: string; args: string[] | undefined; options: ForkOptions | undefined }[] = [];
  const module: UtilityProcessModule = {
    fork: (modulePath, args, options) => {
      forks.push({ modulePath, args, options });
      return nodeUtilityProcess.fork(modulePath, args, options);
    },
  };
  return { module, forks };
}

/** Spawns through the utility spawner and keeps each handle and how it ended. */
function watchedSpawner(modulePath: string) {
  const utility = recordingUtilityProcess();
  const spawn = utilityFlashProcessSpawner(utility.module, modulePath);
  const handles: FlashProcessHandle[] = [];
  const exits: FlashProcessExit[] = [];
  const spawnFlashProcess = (): FlashProcessHandle => {
    const handle = spawn();
    handles.push(handle);
    handle.onExit((exit) => exits.push(exit));
    return handle;
  };
  return { spawnFlashProcess, handles, exits, forks: utility.forks };
}

function unreachableTask(bundlePath: string): FlashTask {
  return {
    jobId: 'job-utility-1',
    deviceId: 'device-1',
    endpoint: { kind: 'serial', path: '/dev/fieldline-no-such-port', baudRate: 115_200 },
    expectedHardwareId: null,
    bundlePath,
    trustStorePath: null,
    hardwareRevision: 'A',
    ledgerSecurityCounter: null,
    nowIso: new Date().toISOString(),
    memory: { testResetSentAtMs: null, healthFailure: null },
  };
}

function hooks(): FlashTaskHooks & { steps: string[] } {
  const steps: string[] = [];
  return {
    steps,
    onStep: (step) => void steps.push(step),
    onProgress: () => undefined,
    checkpoint: () => Promise.resolve(),
    locate: () => Promise.resolve([]),
    signal: new AbortController().signal,
  };
}

describe('flash processes as Electron utility processes', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('forks the given module as a named utility process, stdout ignored and stderr piped', async () => {
    const watched = watchedSpawner(FLASH_PROCESS_SOURCE);
    const executor = new ProcessFlashExecutor({
      logger: silentLogger,
      spawnFlashProcess: watched.spawnFlashProcess,
    });
    cleanups.push(() => executor.close());
    await executor.prewarm(1);
    expect(watched.forks).toEqual([
      {
        modulePath: FLASH_PROCESS_SOURCE,
        args: [],
        options: { serviceName: 'Fieldline flash', stdio: ['ignore', 'ignore', 'pipe'] },
      },
    ]);
    expect(watched.handles[0]?.pid).toEqual(expect.any(Number));
    await executor.close();
    expect(watched.exits).toHaveLength(1);
    expect(watched.handles[0]?.pid).toBeUndefined();
  });

  it('runs flash-process.ts over parentPort: its outcome comes back, then it exits by itself once released', async () => {
    const dir = makeTempDir('fieldline-utility-flash-');
    cleanups.push(() => dir.remove());
    const watched = watchedSpawner(FLASH_PROCESS_SOURCE);
    const executor = new ProcessFlashExecutor({
      logger: silentLogger,
      spawnFlashProcess: watched.spawnFlashProcess,
    });
    const taskHooks = hooks();
    const outcome = await executor
      .run(unreachableTask(path.join(dir.path, 'missing.fwb')), taskHooks)
      .catch((error: unknown) => error);
    expect(outcome).toBeInstanceOf(AppError);
    // The flash process's own error from opening the port, not the executor's "exited before it finished".
    expect(outcome).toMatchObject({ code: 'NOT_FOUND' });
    expect((outcome as AppError).message).toContain('fieldline-no-such-port');
    expect(taskHooks.steps).toEqual(['connect']);
    // Exit code 0: flash-process.ts called process.exit after the release; a kill would show 1.
    expect(watched.exits).toEqual([{ code: 0, signal: null }]);
  });

  it('kills a process that ignores SIGTERM with SIGKILL when forced', async () => {
    const dir = makeTempDir('fieldline-utility-stuck-');
    cleanups.push(() => dir.remove());
    const stuck = path.join(dir.path, 'stuck.mjs');
    writeFileSync(
      stuck,
      [
        "process.on('SIGTERM', () => process.parentPort.postMessage({ type: 'log', level: 'warn', fields: {}, message: 'SIGTERM ignored' }));",
        "process.parentPort.postMessage({ type: 'ready' });",
      ].join('\n'),
    );
    const watched = watchedSpawner(stuck);
    const handle = watched.spawnFlashProcess();
    const messages: FromFlashProcess[] = [];
    handle.onMessage((message) => messages.push(message));
    const exited = new Promise<FlashProcessExit>((resolve) => handle.onExit(resolve));
    cleanups.push(async () => {
      handle.kill('force');
      await exited;
    });
    await expect.poll(() => messages.map((message) => message.type)).toEqual(['ready']);
    handle.kill('stop');
    await expect.poll(() => messages.map((message) => message.type)).toEqual(['ready', 'log']);
    expect(watched.exits).toEqual([]);
    handle.kill('force');
    expect((await exited).code).not.toBe(0);
  });
});
