import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  readImageState,
  markImageForTest,
  confirmRunningImage,
  eraseImageSlot,
} from '../../../../main/core/drivers/smp/image-commands';
import { uploadImage } from '../../../../main/core/drivers/smp/image-upload';
import { resetDevice } from '../../../../main/core/drivers/smp/os-commands';
import { SmpClient } from '../../../../main/core/drivers/smp/smp-client';
import { InMemorySmpLink } from '../../transports/in-memory-smp-link';
import { readMcubootImage } from './mcuboot-image-reader';
import { startSmpDeviceFixture, testImage, type SmpDeviceFixture } from './smp-lab-device-fixture';

let fixture: SmpDeviceFixture;
afterEach(async () => {
  expect(fixture.device.faults).toEqual([]);
  await fixture.dispose();
});

const hashOf = (image: Uint8Array): Uint8Array => {
  const read = readMcubootImage(image);
  if (!read.ok) throw new Error(read.defect);
  return read.image.hash;
};
const upload = (image: Uint8Array) =>
  uploadImage(fixture.client, image, { deviceBufSizeBytes: fixture.config.bufSizeBytes, maxInFlight: 3 });
const write = (body: Record<string, unknown>) =>
  fixture.client.request({ op: 'write', group: 1, commandId: 1, body: body as never });

describe('lab SMP device: image group and MCUboot (protocols.md §1–2)', () => {
  it('reports the factory image as active and confirmed, hash = SHA-256 TLV', async () => {
    fixture = await startSmpDeviceFixture({ firmwareVersion: '1.4.2' });
    const [slot, ...others] = await readImageState(fixture.client);
    expect(others).toEqual([]);
    expect(slot).toMatchObject({
      slot: 0,
      version: '1.4.2',
      isActive: true,
      isConfirmed: true,
      isPending: false,
    });
    const primary = await fixture.device.store.readSlot(0);
    expect(slot!.hash).toEqual(hashOf(primary!));
  });

  it('tests an uploaded image once, then reverts when it is not confirmed', async () => {
    fixture = await startSmpDeviceFixture();
    const image = testImage('2.0.0');
    await upload(image);
    expect((await readImageState(fixture.client))[1]).toMatchObject({
      slot: 1,
      version: '2.0.0',
      isPending: false,
    });
    const marked = await markImageForTest(fixture.client, hashOf(image));
    expect(marked[1]).toMatchObject({ isPending: true, isPermanent: false });
    let boot = fixture.nextBoot();
    await resetDevice(fixture.client);
    await boot;
    const testing = await readImageState(fixture.client);
    expect(testing[0]).toMatchObject({ version: '2.0.0', isActive: true, isConfirmed: false });
    expect(testing[1]).toMatchObject({ version: '1.0.0', isConfirmed: true });
    boot = fixture.nextBoot();
    await resetDevice(fixture.client);
    await boot;
    expect((await readImageState(fixture.client))[0]).toMatchObject({
      version: '1.0.0',
      isActive: true,
      isConfirmed: true,
    });
  });

  it('keeps a tested image that is confirmed, across resets and power cycles', async () => {
    fixture = await startSmpDeviceFixture();
    const image = testImage('2.1.0');
    await upload(image);
    await markImageForTest(fixture.client, hashOf(image));
    const boot = fixture.nextBoot();
    await resetDevice(fixture.client);
    await boot;
    await confirmRunningImage(fixture.client);
    await fixture.powerCycle();
    expect((await readImageState(fixture.client))[0]).toMatchObject({ version: '2.1.0', isConfirmed: true });
    expect(fixture.device.store.boot.bootCount).toBe(3);
  });

  it('answers a chunk at the wrong offset with success and the expected offset, and resumes by sha', async () => {
    fixture = await startSmpDeviceFixture();
    const image = testImage('3.0.0', 5000);
    const sha = new Uint8Array(createHash('sha256').update(image).digest());
    await expect(write({ off: 0, len: image.length, sha, data: image.subarray(0, 1000) })).resolves.toEqual({
      off: 1000,
    });
    await expect(write({ off: 1500, data: image.subarray(1500, 1600) })).resolves.toEqual({ off: 1000 });
    const result = await upload(image);
    expect(result.resumedFromBytes).toBe(1000);
    expect(await fixture.device.store.readSlot(1)).toEqual(image);
  });

  it('answers off 0 to a chunk when no upload is in progress (start over)', async () => {
    fixture = await startSmpDeviceFixture();
    await expect(write({ off: 4096, data: new Uint8Array(16) })).resolves.toEqual({ off: 0 });
  });

  it.each([
    [
      'a first chunk without the MCUboot magic',
      (image: Uint8Array) => ({ off: 0, len: image.length, data: new Uint8Array(64) }),
      23,
    ],
    [
      'an image larger than the slot',
      (image: Uint8Array) => ({ off: 0, len: 2 * 1024 * 1024, data: image.subarray(0, 64) }),
      30,
    ],
    [
      'a first chunk under 32 bytes',
      (image: Uint8Array) => ({ off: 0, len: image.length, data: image.subarray(0, 16) }),
      22,
    ],
  ])('refuses %s with the image group error (v2 shape)', async (_name, body, rc) => {
    fixture = await startSmpDeviceFixture();
    await expect(write(body(testImage('1.1.0')))).rejects.toMatchObject({
      code: 'DEVICE_REJECTED',
      details: { group: 1, rc },
    });
  });

  it('refuses an image whose hash does not verify with INVALID_HASH, and erases it', async () => {
    fixture = await startSmpDeviceFixture();
    const image = testImage('4.0.0');
    image[1000] = image[1000]! ^ 0xff;
    await expect(upload(image)).rejects.toMatchObject({
      code: 'DEVICE_REJECTED',
      details: { group: 1, rc: 24 },
    });
    expect(await fixture.device.store.readSlot(1)).toBeUndefined();
  });

  it('collapses group errors to a legacy rc for SMP v1 requests', async () => {
    fixture = await startSmpDeviceFixture();
    const v1 = new SmpClient(new InMemorySmpLink(fixture.device), { version: 0 });
    await expect(markImageForTest(v1, new Uint8Array(32))).rejects.toMatchObject({
      details: { kind: 'smp-error', rc: 5 },
    });
    v1.dispose();
  });

  it('refuses uploads and erase while the secondary is pending, and testing the active image', async () => {
    fixture = await startSmpDeviceFixture();
    const image = testImage('5.0.0');
    await upload(image);
    await markImageForTest(fixture.client, hashOf(image));
    await expect(upload(testImage('5.0.1'))).rejects.toMatchObject({ details: { group: 1, rc: 9 } });
    await expect(eraseImageSlot(fixture.client, 1)).rejects.toMatchObject({ details: { group: 1, rc: 28 } });
    const [active] = await readImageState(fixture.client);
    await expect(markImageForTest(fixture.client, active!.hash)).rejects.toMatchObject({
      details: { group: 1, rc: 33 },
    });
  });

  it('refuses a downgrade when the upload asks for upgrade only', async () => {
    fixture = await startSmpDeviceFixture({ firmwareVersion: '2.0.0' });
    const older = testImage('1.9.9');
    await expect(
      uploadImage(fixture.client, older, { deviceBufSizeBytes: 2048, isUpgradeOnly: true }),
    ).rejects.toMatchObject({
      details: { group: 1, rc: 27 },
    });
  });
});
