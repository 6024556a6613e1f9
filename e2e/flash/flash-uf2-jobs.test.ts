import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FolderDriveWatcher } from '../../main/adapters/drive/folder-drive-watcher';
import { SqliteLedgerStore } from '../../main/adapters/ledger/sqlite-ledger-store';
import { createCore, type Core } from '../../main/core/create-core';
import { DriveDiscovery } from '../../main/core/discovery/drive-discovery';
import { systemClock } from '../../main/core/ports/clock';
import { silentLogger } from '../../main/core/ports/logger';
import { ProcessFlashExecutor } from '../../main/host/flash-process/process-flash-executor';
import { makeTempDir } from '../../main/test-support/temp-dir';
import type { Uf2LabDriveOptions } from '../lab/devices/uf2/uf2-lab-drive-config';
import { Uf2LabDrive } from '../lab/devices/uf2/uf2-lab-drive';
import { LAB_UF2_HARDWARE_ID, labUf2Bundle, rawFirmware } from './flash-test-bundle';

const SERIAL = 'E66038B7130B5C2F';
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * UF2 flash jobs end to end: the composed core with a SQLite ledger, drive discovery through the real
 * folder watcher, and each job in its own flash process that copies onto the lab drive with the real
 * drive adapter, waits for the board to reboot and verifies through CURRENT.UF2.
 */
describe('flash jobs on a UF2 drive (lab bootloader drive, one flash process per job)', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  let core: Core | undefined;
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    core = undefined;
  });

  async function setUp(
    options: Partial<Uf2LabDriveOptions> = {},
  ): Promise<{ core: Core; lab: Uf2LabDrive; deviceId: string; folder: string }> {
    const dir = makeTempDir('fieldline-uf2-jobs-');
    cleanups.push(() => dir.remove());
    const mountRoot = join(dir.path, 'media');
    const lab = await Uf2LabDrive.start({
      mountRoot,
      stateDir: join(dir.path, 'state'),
      serialNumber: SERIAL,
      bootTimeMs: 100,
      ...options,
    });
    cleanups.push(async () => {
      await lab.stop();
      expect(lab.faults).toEqual([]);
    });
    const store = SqliteLedgerStore.open(join(dir.path, 'ledger.db'));
    const executor = new ProcessFlashExecutor({ logger: silentLogger, reappearTimeoutMs: 1_500 });
    const composed = createCore(
      { ledgerStore: store, clock: systemClock, logger: silentLogger, flashExecutor: executor },
      { host: 'station', version: 't', dataDir: dir.path, platform: 'test' },
    );
    core = composed;
    cleanups.push(async () => {
      await composed.stop();
      store.close();
    });
    const watcher = new FolderDriveWatcher({
      folders: [mountRoot],
      includeSystemMounts: false,
      pollIntervalMs: 50,
      logger: silentLogger,
    });
    const discovery = new DriveDiscovery(watcher, composed.registry, silentLogger);
    cleanups.push(async () => {
      await discovery.stop();
      await watcher.close();
    });
    await discovery.start();
    const deviceId = await seenAt(composed, lab.folder);
    return { core: composed, lab, deviceId, folder: dir.path };
  }

  const jobEvents = (deviceId: string): string[] =>
    core!.ledger
      .deviceHistory(deviceId)
      .map((event) => event.type)
      .filter((type) => type.startsWith('job.') || type.startsWith('firmware.'));

  it('verifies the bundle, copies the file, follows the reboot and records firmware.flashed verified by CURRENT.UF2', async () => {
    const { core, lab, deviceId, folder } = await setUp();
    const firmware = rawFirmware(10_000, 7);
    const bundlePath = join(folder, 'uf2-2.0.0.fwb');
    writeFileSync(bundlePath, labUf2Bundle({ version: '2.0.0', firmware, hardwareId: LAB_UF2_HARDWARE_ID }));
    const { job } = await core.handlers['jobs:start']({ deviceId, bundlePath });
    expect(job.address).toBe(`uf2-drive:${lab.folder}`);
    const done = await core.jobs.whenDone(job.id);

    expect(done).toMatchObject({ state: 'succeeded', step: 'done', firmwareVersion: '2.0.0', error: null });
    const steps = core.ledger
      .deviceHistory(deviceId)
      .filter((event) => event.type === 'job.step-completed')
      .map((event) => (event.payload as { step: string }).step);
    expect(steps).toEqual(['read-device', 'verify-bundle', 'upload', 'device-back', 'verify-upload']);
    expect(jobEvents(deviceId)).toEqual([
      'job.started',
      ...steps.map(() => 'job.step-completed'),
      'firmware.flashed',
      'job.succeeded',
    ]);
    // The file's last block is zero-padded to 256 bytes (uf2-file-builder.ts): the hash covers what it writes.
    const written = new Uint8Array(Math.ceil(firmware.length / 256) * 256);
    written.set(firmware);
    expect(core.ledger.listEvents({ type: 'firmware.flashed', limit: 1 })[0]!.payload).toMatchObject({
      firmwareVersion: '2.0.0',
      imageHash: sha256(written),
      hardwareId: LAB_UF2_HARDWARE_ID,
      serial: SERIAL,
      evidence: {
        protocol: 'uf2',
        verification: 'verified-by-current-uf2',
        verifiedHash: sha256(written),
        familyId: 0xe48bff56,
      },
    });
    expect(lab.completedCopies).toBe(1);
    expect((await lab.store.readFlash()).subarray(0, firmware.length)).toEqual(firmware);
  });

  it('refuses a bundle for another board, and a UF2 file of another family, before a byte is copied', async () => {
    const { core, lab, deviceId, folder } = await setUp();
    const firmware = rawFirmware(2_048, 3);
    const bundles = [
      labUf2Bundle({ version: '2.0.0', firmware, hardwareId: 'SAMD21-Other-v2' }),
      labUf2Bundle({ version: '2.0.0', firmware, hardwareId: LAB_UF2_HARDWARE_ID, familyId: 0xada52840 }),
    ];
    for (const [index, bytes] of bundles.entries()) {
      const bundlePath = join(folder, `refused-${index}.fwb`);
      writeFileSync(bundlePath, bytes);
      const done = await core.jobs.whenDone(core.jobs.start({ deviceId, bundlePath }).id);
      expect(done).toMatchObject({
        state: 'failed',
        step: 'verify-bundle',
        error: { code: 'BUNDLE_WRONG_HARDWARE', isRetryable: false },
      });
      expect(core.ledger.listEvents({ type: 'job.failed', limit: 1 })[0]!.payload).toMatchObject({
        isBeforeWrite: true,
      });
    }
    expect(lab.verdicts.size).toBe(0);
    expect(lab.completedCopies).toBe(0);
    expect(jobEvents(deviceId)).not.toContain('firmware.flashed');
  });

  it('ends failed and retryable when the cable is pulled mid-copy, and a retry after replugging succeeds', async () => {
    const { core, lab, deviceId, folder } = await setUp({ faults: { unplugAfterBlocks: 10 } });
    const firmware = rawFirmware(12_000, 11);
    const bundlePath = join(folder, 'uf2-3.0.0.fwb');
    writeFileSync(bundlePath, labUf2Bundle({ version: '3.0.0', firmware, hardwareId: LAB_UF2_HARDWARE_ID }));
    const first = await core.jobs.whenDone(core.jobs.start({ deviceId, bundlePath }).id);
    expect(first).toMatchObject({
      state: 'failed',
      step: 'upload',
      error: { code: 'TIMEOUT', isRetryable: true },
    });
    expect(jobEvents(deviceId)).not.toContain('firmware.flashed');
    expect(lab.isMounted).toBe(false);
    expect(lab.completedCopies).toBe(0);

    await lab.plugIn();
    await seenAt(core, lab.folder);
    const retry = await core.jobs.whenDone(core.jobs.start({ deviceId, bundlePath }).id);
    expect(retry).toMatchObject({ state: 'succeeded', firmwareVersion: '3.0.0' });
    expect(lab.completedCopies).toBe(1);
    expect(jobEvents(deviceId).filter((type) => type === 'firmware.flashed')).toHaveLength(1);
  });
});

/** Waits until discovery lists a live drive sighting at `folder`; resolves with the device's id. */
async function seenAt(core: Core, folder: string, timeoutMs = 5_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const device = core.registry
      .list()
      .find((candidate) =>
        candidate.sightings.some((sighting) => sighting.transport === 'drive' && sighting.address === folder),
      );
    if (device !== undefined) return device.id;
    if (Date.now() > deadline) throw new Error(`no drive sighting at ${folder}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
