import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteLedgerStore } from '../../main/adapters/ledger/sqlite-ledger-store';
import { createCore, type Core } from '../../main/core/create-core';
import { systemClock } from '../../main/core/ports/clock';
import { silentLogger } from '../../main/core/ports/logger';
import { ProcessFlashExecutor } from '../../main/host/flash-process/process-flash-executor';
import { makeTempDir } from '../../main/test-support/temp-dir';
import { startLab, type RunningLab, type RunningSmpLabDevice } from '../lab/lab-runner';
import { isProcessAlive } from '../lab/process-liveness';
import { loadScenario } from '../lab/scenario';
import { writeLabBundle } from './flash-test-bundle';

const SCENARIO = fileURLToPath(new URL('../lab/scenarios/unhealthy-firmware.yaml', import.meta.url));

/**
 * Test/confirm/revert from a scenario file: the lab device of `scenarios/unhealthy-firmware.yaml` boots
 * firmware 3.0.0 after the test reset but fails its health check (echo answers wrong). Through the job
 * service, with the flash in its own process on the device's pty, the job must end `reverted` with
 * `firmware.reverted` recorded and `firmware.flashed` never, and the device must run its old image.
 */
describe('a new image that boots but fails its health check (scenario unhealthyFirmwareVersions)', () => {
  let dir: ReturnType<typeof makeTempDir> | undefined;
  let lab: RunningLab | undefined;
  let core: Core | undefined;
  let store: SqliteLedgerStore | undefined;

  afterEach(async () => {
    await core?.stop();
    store?.close();
    const socat =
      lab?.devices.flatMap((device) => (device.address.kind === 'serial' ? [device.address.socatPid] : [])) ??
      [];
    await lab?.stop();
    for (const pid of socat) expect(isProcessAlive(pid)).toBe(false);
    dir?.remove();
  });

  it('ends reverted, records firmware.reverted and never firmware.flashed; a healthy version then confirms', async () => {
    dir = makeTempDir('fieldline-unhealthy-');
    lab = await startLab(await loadScenario(SCENARIO), `${dir.path}/lab`);
    const device = lab.devices[0] as RunningSmpLabDevice;
    if (device.address.kind !== 'serial') throw new Error('the scenario device is on a serial pty');
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
      },
      { host: 'station', version: 't', dataDir: dir.path, platform: 'test' },
    );
    const identity = device.device.store.identity;
    const deviceId = core.registry.report({
      transport: 'serial',
      address: device.address.path,
      identifiers: { hardwareId: identity.hardwareId.toLowerCase(), serial: identity.serialNumber },
      model: device.device.config.model,
      protocol: 'smp',
    })!;
    const factory = (await device.device.bootloader.readSlot(0))?.versionText;

    const unhealthy = await writeLabBundle(dir.path, 'app-3.0.0.fwb', { version: '3.0.0' });
    const { job } = await core.handlers['jobs:start']({ deviceId, bundlePath: unhealthy });
    const done = await core.jobs.whenDone(job.id);
    expect(done).toMatchObject({ state: 'reverted', error: { code: 'FLASH_REVERTED', isRetryable: false } });
    const types = core.ledger.deviceHistory(deviceId).map((event) => event.type);
    expect(types).toContain('firmware.reverted');
    expect(types).not.toContain('firmware.flashed');
    expect(core.ledger.listEvents({ type: 'firmware.reverted', limit: 1 })[0]!.payload).toMatchObject({
      reason: 'health-check-failed',
      firmwareVersion: '3.0.0',
    });
    expect((await device.device.bootloader.readSlot(0))?.versionText).toBe(factory);

    // The same device takes a healthy release: the health check is about the image, not the device.
    const healthy = await writeLabBundle(dir.path, 'app-3.1.0.fwb', { version: '3.1.0' });
    const next = await core.jobs.whenDone(core.jobs.start({ deviceId, bundlePath: healthy }).id);
    expect(next).toMatchObject({ state: 'succeeded', firmwareVersion: '3.1.0' });
    expect((await device.device.bootloader.readSlot(0))?.versionText).toBe('3.1.0');
  });
});
