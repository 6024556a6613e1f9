import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { downloadFirmware, type DfuProgress } from '../../../../main/core/drivers/dfu/dfu-download';
import { findDfuInterface } from '../../../../main/core/drivers/dfu/dfu-interface';
import { flashOverDfu } from '../../../../main/core/drivers/dfu/flash-over-dfu';
import { silentLogger } from '../../../../main/core/ports/logger';
import { DfuLabDevice } from './dfu-lab-device';
import { startDfuLab, type DfuLab } from './dfu-lab-fixture';

const imageOf = (length: number, seed: number) =>
  Uint8Array.from({ length }, (_, index) => (index * seed + (index >> 8)) & 0xff);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const SERIAL = 'FL-DFU-0001';

describe('DFU driver against the lab bootloader over the virtual USB bus (protocols.md §3)', () => {
  let lab: DfuLab;
  afterEach(async () => {
    expect(lab.device.faults).toEqual([]);
    await lab.stop();
  });

  it('flashes, sees the device re-enumerate into run-time with the new image, and finds it again by serial', async () => {
    lab = await startDfuLab({ transferSizeBytes: 512, flashMsPerKiB: 4 });
    const first = imageOf(3000, 13);
    const progress: DfuProgress[] = [];
    const initial = await flashOverDfu(lab.bus, SERIAL, first, {
      logger: silentLogger,
      onProgress: (step) => progress.push(step),
    });
    expect(initial.download).toEqual({
      blockCount: 6,
      endState: 'dfu-idle',
      verification: 'verified-by-upload',
      readBackSha256: sha256(first),
    });
    expect(progress.filter((step) => step.phase === 'download').map((step) => step.bytesDone)).toEqual([
      0, 512, 1024, 1536, 2048, 2560, 3000,
    ]);
    expect(progress.at(-1)).toEqual({ phase: 'verify', bytesDone: 3000, bytesTotal: 3000 });

    // Second flash starts from the application: DFU_DETACH, bus reset, bootloader, download, reset.
    const second = imageOf(5000, 29);
    const { runtimeDevice, download } = await flashOverDfu(lab.bus, SERIAL, second, { logger: silentLogger });
    expect(download.verification).toBe('verified-by-upload');
    expect(runtimeDevice).toMatchObject({ serialNumber: SERIAL, productId: 0x0002, address: lab.address });
    expect(findDfuInterface(runtimeDevice)?.mode).toBe('runtime');
    expect(runtimeDevice.configuration.interfaces[0]?.name).toBe(`firmware sha256:${sha256(second)}`);
    expect(await lab.device.store.readImage()).toEqual(second);
    expect(lab.device.traffic.earlyPolls).toBe(0);
    expect(lab.device.traffic.countOf('DETACH')).toBe(0);
    expect(lab.device.traffic.countOf('runtime request 0')).toBe(1);
  });

  it('flashes a device that is not manifestation tolerant: it waits for the reset, and cannot verify by upload', async () => {
    lab = await startDfuLab({ isManifestationTolerant: false });
    const image = imageOf(2048, 5);
    const { download, runtimeDevice } = await flashOverDfu(lab.bus, SERIAL, image, { logger: silentLogger });
    expect(download).toEqual({ blockCount: 2, endState: 'waiting-for-reset', verification: 'not-supported' });
    expect(runtimeDevice.configuration.interfaces[0]?.name).toBe(`firmware sha256:${sha256(image)}`);
  });

  it('follows a device that resets itself after manifestation (bitWillDetach, not tolerant)', async () => {
    lab = await startDfuLab({ isManifestationTolerant: false, willDetach: true, manifestMs: 1 });
    const image = imageOf(1500, 3);
    const { download, runtimeDevice } = await flashOverDfu(lab.bus, SERIAL, image, { logger: silentLogger });
    expect(['waiting-for-reset', 'left-the-bus']).toContain(download.endState);
    expect(runtimeDevice.configuration.interfaces[0]?.name).toBe(`firmware sha256:${sha256(image)}`);
  });

  it('polls again when flash is slower than the device announced, and works with a strict device', async () => {
    lab = await startDfuLab({
      flashMsPerKiB: 3,
      isStrictAboutEarlyPolls: true,
      faults: { slowFlashFactor: 3 },
    });
    const image = imageOf(4096, 11);
    await flashOverDfu(lab.bus, SERIAL, image, { logger: silentLogger });
    expect(lab.device.traffic.earlyPolls).toBe(0);
    expect(lab.device.traffic.stalls).toBe(0);
    expect(lab.device.traffic.countOf('GETSTATUS')).toBeGreaterThan(2 * 4);
    expect(await lab.device.store.readImage()).toEqual(image);
  });

  it('recovers a device left in dfuERROR (CLRSTATUS) or mid-download (ABORT) by an earlier session', async () => {
    lab = await startDfuLab();
    const handle = await lab.bus.open(await lab.current());
    await handle
      .controlTransferOut({ requestType: 0x21, request: 4, value: 0, index: 0 }, new Uint8Array(0), {
        timeoutMs: 500,
      })
      .catch(() => undefined);
    const target = findDfuInterface(await lab.current())!;
    const options = { logger: silentLogger, interfaceNumber: 0, functional: target.functional };
    await downloadFirmware(handle, imageOf(1024, 7), options);
    expect(lab.device.traffic.countOf('CLRSTATUS')).toBe(2);
    await handle.controlTransferOut(
      { requestType: 0x21, request: 1, value: 0, index: 0 },
      new Uint8Array(10),
      { timeoutMs: 500 },
    );
    const result = await downloadFirmware(handle, imageOf(2048, 9), options);
    expect(result.verification).toBe('verified-by-upload');
    expect(lab.device.traffic.countOf('ABORT')).toBeGreaterThanOrEqual(1);
    await handle.close();
  });

  it('fails with TRANSPORT_CLOSED when unplugged at 50%, and a retry after replugging boots the bootloader and succeeds', async () => {
    const image = imageOf(8192, 17);
    lab = await startDfuLab({ faults: { unplugAfterBytes: image.length / 2 } });
    await expect(flashOverDfu(lab.bus, SERIAL, image, { logger: silentLogger })).rejects.toMatchObject({
      code: 'TRANSPORT_CLOSED',
    });
    expect(lab.device.store.boot.isImageValid).toBe(false);
    lab.bus.plug(lab.device, lab.address);
    expect(lab.device.mode).toBe('dfu');
    const { download } = await flashOverDfu(lab.bus, SERIAL, image, { logger: silentLogger });
    expect(download.verification).toBe('verified-by-upload');
  });

  it('fails with TIMEOUT when the device stops answering mid-download', async () => {
    lab = await startDfuLab({ faults: { stopAnsweringAfterBytes: 2048 } });
    await expect(
      flashOverDfu(lab.bus, SERIAL, imageOf(8192, 3), { logger: silentLogger, requestTimeoutMs: 100 }),
    ).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(lab.device.traffic.unanswered).toBeGreaterThan(0);
  });

  it.each(['short', 'unknown-state'] as const)(
    'fails with DEVICE_PROTOCOL on a %s GETSTATUS reply, and the next attempt succeeds',
    async (kind) => {
      lab = await startDfuLab({ faults: { corruptStatus: { onPollNumber: 4, kind } } });
      const image = imageOf(4096, 23);
      await expect(flashOverDfu(lab.bus, SERIAL, image, { logger: silentLogger })).rejects.toMatchObject({
        code: 'DEVICE_PROTOCOL',
      });
      expect(lab.device.traffic.corruptedReplies).toBe(1);
      await flashOverDfu(lab.bus, SERIAL, image, { logger: silentLogger });
      expect(await lab.device.store.readImage()).toEqual(image);
    },
  );

  it('stops with CANCELLED when aborted, leaving the device in dfuIDLE for the next attempt', async () => {
    lab = await startDfuLab({ flashMsPerKiB: 5 });
    const controller = new AbortController();
    const image = imageOf(16_384, 19);
    const attempt = flashOverDfu(lab.bus, SERIAL, image, {
      logger: silentLogger,
      signal: controller.signal,
      onProgress: (step) => {
        if (step.bytesDone >= 4096) controller.abort();
      },
    });
    await expect(attempt).rejects.toMatchObject({ code: 'CANCELLED' });
    const handle = await lab.bus.open(await lab.current());
    const state = await handle.controlTransferIn({ requestType: 0xa1, request: 5, value: 0, index: 0 }, 1, {
      timeoutMs: 500,
    });
    expect(state[0]).toBe(2);
    await handle.close();
    expect(lab.device).toBeInstanceOf(DfuLabDevice);
  });
});
