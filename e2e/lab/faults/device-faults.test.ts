import { afterEach, describe, expect, it } from 'vitest';
import { uploadFile } from '../../../main/core/drivers/smp/file-upload';
import { downloadFile } from '../../../main/core/drivers/smp/file-system-commands';
import { uploadImage } from '../../../main/core/drivers/smp/image-upload';
import { echo } from '../../../main/core/drivers/smp/os-commands';
import {
  startSmpDeviceFixture,
  testImage,
  type SmpDeviceFixture,
} from '../devices/smp/smp-lab-device-fixture';
import { faultPlanSchema, type FaultPlanInput } from './fault-plan';

let fixture: SmpDeviceFixture;
afterEach(async () => {
  expect(fixture.device.faults).toEqual([]);
  await fixture.dispose();
});

/** A device with these faults and a client that gives up on an answer quickly and retries often. */
const deviceWithFaults = (faults: FaultPlanInput, clientTimeoutMs = 200) =>
  startSmpDeviceFixture(
    { faults: faultPlanSchema.parse(faults), resetDelayMs: 5, bootTimeMs: 30 },
    { timeoutMs: clientTimeoutMs },
  );
const uploadWithRetries = (image: Uint8Array) =>
  uploadImage(fixture.client, image, { deviceBufSizeBytes: 2048, maxInFlight: 2, maxSilentRetries: 10 });

describe('device faults from a scenario (fault-plan.ts) and how the SMP client survives them', () => {
  it('reset mid-transfer: the device forgets the upload, the client starts over and finishes', async () => {
    fixture = await deviceWithFaults({ resetMidTransfer: { atPercent: 50 } });
    const image = testImage('2.0.0', 30_000);
    const bootsBefore = fixture.device.store.boot.bootCount;
    await uploadWithRetries(image);
    expect(await fixture.device.store.readSlot(1)).toEqual(image);
    expect(fixture.device.faultSchedule.counts.resets).toBe(1);
    expect(fixture.device.store.boot.bootCount).toBe(bootsBefore + 1);
    // The upload went past 50% twice: once before the reset, once after starting over.
    const starts = fixture.device.dispatcher.traffic.filter(
      (entry) => entry.group === 1 && entry.commandId === 1 && entry.outcome === 'ok',
    ).length;
    expect(starts).toBeGreaterThan(image.length / 2048);
  });

  it('power lost with the cable (unplug that cuts power): the client starts over once the device is back', async () => {
    fixture = await deviceWithFaults({ unplug: { atPercent: 30, downMs: 300, cutsPower: true } });
    const plugEvents: string[] = [];
    fixture.device.onPlug((event) => plugEvents.push(event.kind));
    const image = testImage('2.1.0', 30_000);
    await uploadWithRetries(image);
    expect(await fixture.device.store.readSlot(1)).toEqual(image);
    expect(plugEvents).toEqual(['unplugged', 'replugged']);
    expect(fixture.device.faultSchedule.counts.unplugs).toBe(1);
  });

  it('slow flash: a stall longer than the client timeout is ridden out by resending', async () => {
    fixture = await deviceWithFaults({
      slowFlash: { atPercent: 40, stallMs: 600, writeBytesPerSecond: 400_000 },
    });
    const image = testImage('2.2.0', 20_000);
    await uploadWithRetries(image);
    expect(await fixture.device.store.readSlot(1)).toEqual(image);
    expect(fixture.device.faultSchedule.counts.flashStalls).toBe(1);
  });

  it('stop answering after N requests: typed DEVICE_NOT_RESPONDING, no hang; answers again after resumeAfterMs', async () => {
    fixture = await deviceWithFaults({ stopAnswering: { afterRequests: 3, resumeAfterMs: 100 } }, 150);
    for (const text of ['a', 'b', 'c']) await expect(echo(fixture.client, text)).resolves.toBe(text);
    await expect(echo(fixture.client, 'd')).rejects.toMatchObject({ code: 'DEVICE_NOT_RESPONDING' });
    await expect(echo(fixture.client, 'e')).resolves.toBe('e');
    expect(fixture.device.faultSchedule.counts.unansweredRequests).toBe(1);
  });

  it('stops answering for good without resumeAfterMs', async () => {
    fixture = await deviceWithFaults({ stopAnswering: { afterRequests: 0 } }, 50);
    await expect(echo(fixture.client, 'a')).rejects.toMatchObject({ code: 'DEVICE_NOT_RESPONDING' });
    await expect(echo(fixture.client, 'b')).rejects.toMatchObject({ code: 'DEVICE_NOT_RESPONDING' });
  });

  it('reset in the middle of a file upload: the file uploader resumes from what the file holds', async () => {
    fixture = await deviceWithFaults({ resetMidTransfer: { atPercent: 50, during: 'file' } });
    const bytes = new Uint8Array(9000).map((_, index) => (index * 3) & 0xff);
    await expect(
      uploadFile(fixture.client, '/lfs1/blob', bytes, { deviceBufSizeBytes: 1024, maxRetries: 10 }),
    ).resolves.toMatchObject({ totalBytes: 9000 });
    expect(fixture.device.faultSchedule.counts.resets).toBe(1);
    await expect(downloadFile(fixture.client, '/lfs1/blob')).resolves.toEqual(bytes);
  });
});
