import { afterEach, describe, expect, it } from 'vitest';
import type { EventName } from '../../shared/contract';
import { SqliteLedgerStore } from '../../main/adapters/ledger/sqlite-ledger-store';
import { createCore, type Core } from '../../main/core/create-core';
import { silentLogger } from '../../main/core/ports/logger';
import { systemClock } from '../../main/core/ports/clock';
import { ProcessFlashExecutor } from '../../main/host/flash-process/process-flash-executor';
import { makeTempDir } from '../../main/test-support/temp-dir';
import { isProcessAlive } from '../lab/process-liveness';
import { countUploadRequests, failEchoWhenRunning, runningHash } from './flash-harness';
import { FlashRig } from './flash-lab-rig';
import { labBundle, writeLabBundle } from './flash-test-bundle';
import { flashTargetOf } from './flash-test-images';

const STEPS = [
  'read-device',
  'verify-bundle',
  'upload',
  'verify-upload',
  'mark-test',
  'test-reset',
  'device-back',
  'health-check',
  'confirm',
];

/**
 * Flash jobs end to end: the composed core with a SQLite ledger, each job in a flash process opening the
 * lab's pty with the real serialport adapter, discovery's registry saying where the device is.
 */
describe('flash jobs, one process per port', () => {
  let dir: ReturnType<typeof makeTempDir> | undefined;
  let store: SqliteLedgerStore | undefined;
  let core: Core | undefined;
  const rigs: FlashRig[] = [];
  let emitted: { name: EventName; payload: unknown }[] = [];

  afterEach(async () => {
    await core?.stop();
    store?.close();
    for (const rig of rigs.splice(0)) {
      const pids = rig.socatPids;
      expect(rig.device.faults).toEqual([]);
      await rig.stop();
      for (const pid of pids) expect(isProcessAlive(pid)).toBe(false);
    }
    dir?.remove();
    core = undefined;
    emitted = [];
  });

  async function setUp(
    deviceCount = 1,
    maxParallelJobs = 16,
  ): Promise<{ core: Core; rigs: FlashRig[]; ids: string[] }> {
    dir = makeTempDir('fieldline-flash-jobs-');
    store = SqliteLedgerStore.open(`${dir.path}/ledger.db`);
    core = createCore(
      {
        ledgerStore: store,
        clock: systemClock,
        logger: silentLogger,
        flashExecutor: new ProcessFlashExecutor({
          logger: silentLogger,
          requestTimeoutMs: 1_500,
          reappearTimeoutMs: 10_000,
        }),
        jobs: { maxParallelJobs },
      },
      { host: 'station', version: 't', dataDir: dir.path, platform: 'test' },
    );
    core.events.onEvent((name, payload) => emitted.push({ name, payload }));
    const ids: string[] = [];
    for (let index = 0; index < deviceCount; index += 1) {
      const rig = await FlashRig.start({ transport: 'serial', config: { serialNumber: `FL-JOB-${index}` } });
      rigs.push(rig);
      const endpoint = rig.endpoint;
      if (endpoint.kind !== 'serial') throw new Error('serial rig expected');
      const id = core.registry.report({
        transport: 'serial',
        address: endpoint.path,
        identifiers: { hardwareId: rig.hardwareId, serial: rig.config.serialNumber },
        model: rig.config.model,
        protocol: 'smp',
      });
      ids.push(id!);
    }
    return { core, rigs, ids };
  }

  const historyTypes = (deviceId: string): string[] =>
    core!.ledger.deviceHistory(deviceId).map((event) => event.type);

  it('verifies the bundle, flashes, verifies, tests and confirms, recording every step', async () => {
    const { core, rigs, ids } = await setUp();
    const bundlePath = await writeLabBundle(dir!.path, 'app-2.0.0.fwb', { version: '2.0.0' });
    const { job } = await core.handlers['jobs:start']({ deviceId: ids[0]!, bundlePath });
    const done = await core.jobs.whenDone(job.id);

    expect(done).toMatchObject({ state: 'succeeded', step: 'done', firmwareVersion: '2.0.0', error: null });
    const types = historyTypes(ids[0]!).filter(
      (type) => type.startsWith('job.') || type.startsWith('firmware.'),
    );
    expect(types).toEqual([
      'job.started',
      ...STEPS.map(() => 'job.step-completed'),
      'firmware.flashed',
      'job.succeeded',
    ]);
    const steps = core.ledger
      .deviceHistory(ids[0]!)
      .filter((event) => event.type === 'job.step-completed')
      .map((event) => (event.payload as { step: string }).step);
    expect(steps).toEqual(STEPS);
    const flashed = core.ledger.listEvents({ type: 'firmware.flashed', limit: 1 })[0]!;
    const running = await runningHash(rigs[0]!);
    expect(flashed.payload).toMatchObject({
      firmwareVersion: '2.0.0',
      imageHash: running,
      evidence: { verifiedHash: running },
    });
    expect(core.devices.list().find((device) => device.id === ids[0])).toMatchObject({
      state: 'provisioned',
      firmwareVersion: '2.0.0',
    });
    expect(core.ledger.verify()).toMatchObject({ isIntact: true, firstBroken: null });
    expect(emitted.some((event) => event.name === 'jobs:progress')).toBe(true);
    expect(core.handlers['jobs:list'](undefined)).toMatchObject({
      jobs: [expect.objectContaining({ id: job.id, state: 'succeeded' })],
    });
  });

  it('refuses a bundle for other hardware before a single byte is written', async () => {
    const { core, rigs, ids } = await setUp();
    const bundlePath = await writeLabBundle(dir!.path, 'wrong.fwb', {
      version: '2.0.0',
      hardwareId: 'acme-gateway',
    });
    const { job } = await core.handlers['jobs:start']({ deviceId: ids[0]!, bundlePath });
    const done = await core.jobs.whenDone(job.id);
    expect(done).toMatchObject({
      state: 'failed',
      step: 'verify-bundle',
      error: { code: 'BUNDLE_WRONG_HARDWARE', isRetryable: false },
    });
    expect(core.ledger.listEvents({ type: 'job.failed', limit: 1 })[0]!.payload).toMatchObject({
      isBeforeWrite: true,
    });
    expect(countUploadRequests(rigs[0]!)).toBe(0);
  });

  it('records a revert as such when the new image fails its health check', async () => {
    const { core, rigs, ids } = await setUp();
    const factoryHash = await runningHash(rigs[0]!);
    const bundle = labBundle({ version: '3.0.0' });
    const bundlePath = await writeLabBundle(dir!.path, 'bad.fwb', { version: '3.0.0' });
    failEchoWhenRunning(rigs[0]!, flashTargetOf(bundle.image, '3.0.0'));
    const { job } = await core.handlers['jobs:start']({ deviceId: ids[0]!, bundlePath });
    const done = await core.jobs.whenDone(job.id);
    expect(done).toMatchObject({ state: 'reverted', error: { code: 'FLASH_REVERTED', isRetryable: false } });
    expect(historyTypes(ids[0]!)).not.toContain('firmware.flashed');
    expect(core.ledger.listEvents({ type: 'firmware.reverted', limit: 1 })[0]!.payload).toMatchObject({
      reason: 'health-check-failed',
    });
    expect(await runningHash(rigs[0]!)).toBe(factoryHash);
  });

  it('cancels a running job: its process stops and the ledger says cancelled, once', async () => {
    const { core, ids } = await setUp();
    const bundlePath = await writeLabBundle(dir!.path, 'big.fwb', { version: '2.1.0', bodyBytes: 400_000 });
    const { job } = await core.handlers['jobs:start']({ deviceId: ids[0]!, bundlePath });
    await waitFor(() => emitted.some((event) => event.name === 'jobs:progress'));
    await core.handlers['jobs:cancel']({ jobId: job.id });
    const done = await core.jobs.whenDone(job.id);
    expect(done).toMatchObject({ state: 'cancelled', step: 'upload' });
    expect(historyTypes(ids[0]!).filter((type) => type === 'job.cancelled')).toHaveLength(1);
    expect(historyTypes(ids[0]!)).not.toContain('firmware.flashed');
  });

  it('runs four devices with at most two jobs at once, each in its own process', async () => {
    const { core, rigs, ids } = await setUp(4, 2);
    const bundlePath = await writeLabBundle(dir!.path, 'fleet.fwb', { version: '2.2.0' });
    let running = 0;
    let maxRunning = 0;
    core.events.onEvent((name, payload) => {
      if (name !== 'jobs:changed') return;
      const { job } = payload as { job: { state: string; step: string } };
      if (job.state === 'running' && job.step === 'connect') running += 1;
      if (['succeeded', 'failed', 'reverted', 'cancelled'].includes(job.state)) running -= 1;
      maxRunning = Math.max(maxRunning, running);
    });
    const jobs = ids.map((deviceId) => core.jobs.start({ deviceId, bundlePath }));
    const results = await Promise.all(jobs.map((job) => core.jobs.whenDone(job.id)));
    expect(results.map((result) => result.state)).toEqual([
      'succeeded',
      'succeeded',
      'succeeded',
      'succeeded',
    ]);
    expect(maxRunning).toBe(2);
    for (const rig of rigs) expect((await rig.device.bootloader.readSlot(0))?.versionText).toBe('2.2.0');
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
