import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteLedgerStore } from '../../main/adapters/ledger/sqlite-ledger-store';
import { createCore, type Core } from '../../main/core/create-core';
import { UsbDiscovery } from '../../main/core/discovery/usb-discovery';
import { InProcessFlashExecutor } from '../../main/core/jobs/in-process-flash-executor';
import { systemClock } from '../../main/core/ports/clock';
import { silentLogger } from '../../main/core/ports/logger';
import { fileFirmwareSource } from '../../main/host/flash-process/file-firmware-source';
import { makeTempDir } from '../../main/test-support/temp-dir';
import { startDfuLab, type DfuLab } from '../lab/devices/dfu/dfu-lab-fixture';
import type { DfuLabDeviceConfig } from '../lab/devices/dfu/dfu-lab-device-config';
import { LAB_DFU_HARDWARE_ID, labDfuBundle, rawFirmware } from './flash-test-bundle';

const SERIAL = 'FL-DFU-0001';
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * USB DFU flash jobs end to end: the composed core with a SQLite ledger, USB discovery on the lab's
 * virtual bus saying where the device is, and the job run by the in-process executor with that bus
 * injected (the virtual bus lives in this process, so a flash process could not reach it).
 */
describe('flash jobs on a USB DFU device (lab bootloader on the virtual USB bus)', () => {
  let dir: ReturnType<typeof makeTempDir> | undefined;
  let store: SqliteLedgerStore | undefined;
  let core: Core | undefined;
  let lab: DfuLab | undefined;
  let discovery: UsbDiscovery | undefined;

  afterEach(async () => {
    await discovery?.stop();
    await core?.stop();
    store?.close();
    await lab?.stop();
    dir?.remove();
    core = undefined;
    lab = undefined;
  });

  async function setUp(
    options: Partial<DfuLabDeviceConfig> = {},
  ): Promise<{ core: Core; lab: DfuLab; deviceId: string }> {
    dir = makeTempDir('fieldline-dfu-jobs-');
    lab = await startDfuLab({ serialNumber: SERIAL, transferSizeBytes: 512, ...options });
    store = SqliteLedgerStore.open(`${dir.path}/ledger.db`);
    core = createCore(
      {
        ledgerStore: store,
        clock: systemClock,
        logger: silentLogger,
        flashExecutor: new InProcessFlashExecutor({
          usbBus: lab.bus,
          firmware: fileFirmwareSource,
          logger: silentLogger,
          reappearTimeoutMs: 5_000,
        }),
      },
      { host: 'station', version: 't', dataDir: dir.path, platform: 'test' },
    );
    discovery = new UsbDiscovery(lab.bus, core.registry, silentLogger);
    await discovery.start();
    const deviceId = core.registry.list().find((device) => device.serial === SERIAL)?.id;
    if (deviceId === undefined) throw new Error('USB discovery did not list the lab DFU device');
    return { core, lab, deviceId };
  }

  function writeBundle(name: string, bytes: Uint8Array): string {
    const path = `${dir!.path}/${name}`;
    writeFileSync(path, bytes);
    return path;
  }

  const jobEvents = (deviceId: string): string[] =>
    core!.ledger
      .deviceHistory(deviceId)
      .map((event) => event.type)
      .filter((type) => type.startsWith('job.') || type.startsWith('firmware.'));

  const steps = (deviceId: string, jobId: string): string[] =>
    core!.ledger
      .deviceHistory(deviceId)
      .filter((event) => event.type === 'job.step-completed')
      .map((event) => event.payload as { jobId: string; step: string })
      .filter((payload) => payload.jobId === jobId)
      .map((payload) => payload.step);

  it('verifies the bundle, downloads, reads back by UPLOAD and records firmware.flashed with that hash', async () => {
    const { core, lab, deviceId } = await setUp();
    const firmware = rawFirmware(6_000, 13);
    const bundlePath = writeBundle(
      'dfu-2.0.0.fwb',
      labDfuBundle({ version: '2.0.0', firmware, hardwareId: LAB_DFU_HARDWARE_ID }),
    );
    const { job } = await core.handlers['jobs:start']({ deviceId, bundlePath });
    expect(job.address).toBe(`usb-dfu:${SERIAL}`);
    const done = await core.jobs.whenDone(job.id);

    expect(done).toMatchObject({ state: 'succeeded', step: 'done', firmwareVersion: '2.0.0', error: null });
    expect(jobEvents(deviceId)).toEqual([
      'job.started',
      'job.step-completed',
      'job.step-completed',
      'job.step-completed',
      'job.step-completed',
      'job.step-completed',
      'firmware.flashed',
      'job.succeeded',
    ]);
    expect(steps(deviceId, job.id)).toEqual([
      'read-device',
      'verify-bundle',
      'upload',
      'verify-upload',
      'device-back',
    ]);
    const flashed = core.ledger.listEvents({ type: 'firmware.flashed', limit: 1 })[0]!;
    expect(flashed.payload).toMatchObject({
      firmwareVersion: '2.0.0',
      imageHash: sha256(firmware),
      hardwareId: LAB_DFU_HARDWARE_ID,
      serial: SERIAL,
      evidence: { protocol: 'dfu', verification: 'verified-by-upload', verifiedHash: sha256(firmware) },
    });
    // The device itself holds the image and boots it: its run-time interface names the running hash.
    expect(await lab.device.store.readImage()).toEqual(firmware);
    expect((await lab.current()).configuration.interfaces[0]?.name).toBe(
      `firmware sha256:${sha256(firmware)}`,
    );
    expect(core.ledger.verify()).toMatchObject({ isIntact: true });
  });

  it('ends failed and retryable when the device is unplugged mid-download, and a retry succeeds', async () => {
    const firmware = rawFirmware(8_192, 17);
    const { core, lab, deviceId } = await setUp({ faults: { unplugAfterBytes: firmware.length / 2 } });
    const bundlePath = writeBundle(
      'dfu-3.0.0.fwb',
      labDfuBundle({ version: '3.0.0', firmware, hardwareId: LAB_DFU_HARDWARE_ID }),
    );
    const first = await core.jobs.whenDone(core.jobs.start({ deviceId, bundlePath }).id);
    expect(first).toMatchObject({
      state: 'failed',
      step: 'upload',
      error: { code: 'TRANSPORT_CLOSED', isRetryable: true },
    });
    expect(jobEvents(deviceId)).not.toContain('firmware.flashed');
    expect(core.ledger.listEvents({ type: 'job.failed', limit: 1 })[0]!.payload).toMatchObject({
      reason: 'error',
      isBeforeWrite: false,
    });
    expect(lab.device.store.boot.isImageValid).toBe(false);

    lab.bus.plug(lab.device, lab.address);
    const retry = await core.jobs.whenDone(core.jobs.start({ deviceId, bundlePath }).id);
    expect(retry).toMatchObject({ state: 'succeeded', firmwareVersion: '3.0.0' });
    expect(await lab.device.store.readImage()).toEqual(firmware);
    expect(jobEvents(deviceId).filter((type) => type === 'firmware.flashed')).toHaveLength(1);
  });

  it('refuses a bundle for other hardware, and one whose DFU suffix names another device, without one DNLOAD', async () => {
    const { core, lab, deviceId } = await setUp();
    const firmware = rawFirmware(2_048, 5);
    const wrongHardware = writeBundle(
      'other.fwb',
      labDfuBundle({ version: '2.0.0', firmware, hardwareId: 'usb:1209:beef' }),
    );
    const wrongSuffix = writeBundle(
      'suffix.fwb',
      labDfuBundle({
        version: '2.0.0',
        firmware,
        hardwareId: LAB_DFU_HARDWARE_ID,
        suffixIds: { vendorId: 0x0483, productId: 0xdf11 },
      }),
    );
    for (const bundlePath of [wrongHardware, wrongSuffix]) {
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
    expect(lab.device.traffic.countOf('DNLOAD')).toBe(0);
    expect(jobEvents(deviceId)).not.toContain('firmware.flashed');
  });

  it('follows a device found running its application: DETACH into DFU mode, flash, back to run-time', async () => {
    const { core, lab, deviceId } = await setUp();
    const bundle = (version: string, firmware: Uint8Array): string =>
      writeBundle(`dfu-${version}.fwb`, labDfuBundle({ version, firmware, hardwareId: LAB_DFU_HARDWARE_ID }));
    const firstImage = rawFirmware(3_000, 3);
    expect(
      (await core.jobs.whenDone(core.jobs.start({ deviceId, bundlePath: bundle('1.1.0', firstImage) }).id))
        .state,
    ).toBe('succeeded');
    expect((await lab.current()).productId).toBe(0x0002);

    // Refused after the DETACH into DFU mode: not one DNLOAD, and the device is reset back to its application.
    const downloadsBefore = lab.device.traffic.countOf('DNLOAD');
    const refused = await core.jobs.whenDone(
      core.jobs.start({
        deviceId,
        bundlePath: writeBundle(
          'other.fwb',
          labDfuBundle({ version: '1.1.5', firmware: firstImage, hardwareId: 'usb:1209:beef' }),
        ),
      }).id,
    );
    expect(refused).toMatchObject({
      state: 'failed',
      step: 'verify-bundle',
      error: { code: 'BUNDLE_WRONG_HARDWARE' },
    });
    expect(lab.device.traffic.countOf('DNLOAD')).toBe(downloadsBefore);
    expect((await lab.current()).productId).toBe(0x0002);
    expect((await lab.current()).configuration.interfaces[0]?.name).toBe(
      `firmware sha256:${sha256(firstImage)}`,
    );

    const secondImage = rawFirmware(4_000, 7);
    const second = await core.jobs.whenDone(
      core.jobs.start({ deviceId, bundlePath: bundle('1.2.0', secondImage) }).id,
    );
    expect(second).toMatchObject({ state: 'succeeded', firmwareVersion: '1.2.0' });
    expect(lab.device.traffic.countOf('runtime request 0')).toBe(2);
    expect(await lab.device.store.readImage()).toEqual(secondImage);
  });
});
