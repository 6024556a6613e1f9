import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventName } from '../../shared/contract';
import { SqliteLedgerStore } from '../../main/adapters/ledger/sqlite-ledger-store';
import { nodeUtilityProcess } from '../../main/app/testing/utility-process-stand-in';
import { utilityFlashProcessSpawner } from '../../main/app/utility-flash-process';
import { createCore, type Core } from '../../main/core/create-core';
import { systemClock } from '../../main/core/ports/clock';
import { silentLogger } from '../../main/core/ports/logger';
import type {
  FlashProcessExit,
  FlashProcessHandle,
} from '../../main/host/flash-process/flash-process-handle';
import { ProcessFlashExecutor } from '../../main/host/flash-process/process-flash-executor';
import { makeTempDir } from '../../main/test-support/temp-dir';
import { isProcessAlive } from '../lab/process-liveness';
import { runningHash } from './flash-harness';
import { FlashRig } from './flash-lab-rig';
import { writeLabBundle } from './flash-test-bundle';

const FLASH_PROCESS_SOURCE = fileURLToPath(
  new URL('../../main/host/flash-process/flash-process.ts', import.meta.url),
);

/**
 * Flash jobs as the packaged Electron app runs them: the executor starts each flash process with the
 * app's utility-process spawner (main/app/utility-flash-process.ts). Electron cannot run here, so the
 * stand-in utilityProcess forks a Node child whose only channel is an emulated `process.parentPort`
 * (no `process.send`); flash-process.ts must flash the lab's serial device over it and then end itself.
 */
describe('flash jobs in utility processes (parentPort channel)', () => {
  let dir: ReturnType<typeof makeTempDir> | undefined;
  let store: SqliteLedgerStore | undefined;
  let core: Core | undefined;
  let rig: FlashRig | undefined;
  const handles: FlashProcessHandle[] = [];
  const exits: FlashProcessExit[] = [];
  let emitted: { name: EventName; payload: unknown }[] = [];

  afterEach(async () => {
    await core?.stop();
    store?.close();
    if (rig !== undefined) {
      const pids = rig.socatPids;
      expect(rig.device.faults).toEqual([]);
      await rig.stop();
      for (const pid of pids) expect(isProcessAlive(pid)).toBe(false);
    }
    dir?.remove();
    handles.length = 0;
    exits.length = 0;
    emitted = [];
    core = undefined;
    rig = undefined;
  });

  async function setUp(): Promise<{ core: Core; rig: FlashRig; deviceId: string }> {
    dir = makeTempDir('fieldline-utility-jobs-');
    store = SqliteLedgerStore.open(`${dir.path}/ledger.db`);
    const spawn = utilityFlashProcessSpawner(nodeUtilityProcess, FLASH_PROCESS_SOURCE);
    core = createCore(
      {
        ledgerStore: store,
        clock: systemClock,
        logger: silentLogger,
        flashExecutor: new ProcessFlashExecutor({
          logger: silentLogger,
          requestTimeoutMs: 1_500,
          reappearTimeoutMs: 10_000,
          spawnFlashProcess: () => {
            const handle = spawn();
            handles.push(handle);
            handle.onExit((exit) => exits.push(exit));
            return handle;
          },
        }),
      },
      { host: 'electron', version: 't', dataDir: dir.path, platform: 'test' },
    );
    core.events.onEvent((name, payload) => emitted.push({ name, payload }));
    rig = await FlashRig.start({ transport: 'serial', config: { serialNumber: 'FL-UTILITY-1' } });
    const endpoint = rig.endpoint;
    if (endpoint.kind !== 'serial') throw new Error('serial rig expected');
    const deviceId = core.registry.report({
      transport: 'serial',
      address: endpoint.path,
      identifiers: { hardwareId: rig.hardwareId, serial: rig.config.serialNumber },
      model: rig.config.model,
      protocol: 'smp',
    });
    if (deviceId === null) throw new Error('the registry did not take the rig');
    return { core, rig, deviceId };
  }

  it('flashes, tests and confirms a serial device, every step recorded, and the process ends itself', async () => {
    const { core, rig, deviceId } = await setUp();
    const bundlePath = await writeLabBundle(dir!.path, 'app-2.0.0.fwb', { version: '2.0.0' });
    const { job } = await core.handlers['jobs:start']({ deviceId, bundlePath });
    const done = await core.jobs.whenDone(job.id);

    expect(done).toMatchObject({ state: 'succeeded', step: 'done', firmwareVersion: '2.0.0', error: null });
    const steps = core.ledger
      .deviceHistory(deviceId)
      .filter((event) => event.type === 'job.step-completed')
      .map((event) => (event.payload as { step: string }).step);
    expect(steps).toEqual([
      'read-device',
      'verify-bundle',
      'upload',
      'verify-upload',
      'mark-test',
      'test-reset',
      'device-back',
      'health-check',
      'confirm',
    ]);
    const running = await runningHash(rig);
    expect(core.ledger.listEvents({ type: 'firmware.flashed', limit: 1 })[0]?.payload).toMatchObject({
      firmwareVersion: '2.0.0',
      imageHash: running,
    });
    expect(emitted.some((event) => event.name === 'jobs:progress')).toBe(true);
    // One utility process, which exited with 0 after the station released it (a kill would show 1).
    expect(handles).toHaveLength(1);
    expect(exits).toEqual([{ code: 0, signal: null }]);
    expect(handles[0]?.pid).toBeUndefined();
  });

  it('cancels a running job over parentPort: the process stops cleanly and the ledger says cancelled', async () => {
    const { core, deviceId } = await setUp();
    const bundlePath = await writeLabBundle(dir!.path, 'big.fwb', { version: '2.1.0', bodyBytes: 400_000 });
    const { job } = await core.handlers['jobs:start']({ deviceId, bundlePath });
    await expect
      .poll(() => emitted.some((event) => event.name === 'jobs:progress'), { timeout: 10_000 })
      .toBe(true);
    await core.handlers['jobs:cancel']({ jobId: job.id });
    const done = await core.jobs.whenDone(job.id);
    expect(done).toMatchObject({ state: 'cancelled', step: 'upload' });
    expect(core.ledger.deviceHistory(deviceId).map((event) => event.type)).not.toContain('firmware.flashed');
    expect(exits).toEqual([{ code: 0, signal: null }]);
  });
});
