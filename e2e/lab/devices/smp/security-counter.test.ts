import { afterEach, describe, expect, it } from 'vitest';
import {
  confirmRunningImage,
  markImageForTest,
  readImageState,
} from '../../../../main/core/drivers/smp/image-commands';
import { uploadImage } from '../../../../main/core/drivers/smp/image-upload';
import { readBootloaderInfo, resetDevice } from '../../../../main/core/drivers/smp/os-commands';
import { SmpClient } from '../../../../main/core/drivers/smp/smp-client';
import { InMemorySmpLink } from '../../transports/in-memory-smp-link';
import { buildMcubootImage } from './mcuboot-image-builder';
import { parseImageVersion } from './mcuboot-image-format';
import { readMcubootImage } from './mcuboot-image-reader';
import { startSmpDeviceFixture, type SmpDeviceFixture } from './smp-lab-device-fixture';

let fixture: SmpDeviceFixture;
afterEach(async () => {
  expect(fixture.device.faults).toEqual([]);
  await fixture.dispose();
});

const imageWithCounter = (version: string, securityCounter: number): Uint8Array =>
  buildMcubootImage({
    version: parseImageVersion(version),
    body: new Uint8Array(6000).map((_, index) => (index * 17 + securityCounter) & 0xff),
    securityCounter,
  });
const hashOf = (image: Uint8Array): Uint8Array => {
  const read = readMcubootImage(image);
  if (!read.ok) throw new Error(read.defect);
  return read.image.hash;
};
const upload = (image: Uint8Array) => uploadImage(fixture.client, image, { deviceBufSizeBytes: 2048 });
async function reset(): Promise<void> {
  const boot = fixture.nextBoot();
  await resetDevice(fixture.client);
  await boot;
}
const noDowngradeDevice = () =>
  startSmpDeviceFixture({ isNoDowngrade: true, firmwareVersion: '1.0.0', firmwareSecurityCounter: 2 });

describe('MCUboot security counter and no-downgrade (protocols.md §1 bootloader info, §2)', () => {
  it('reports no-downgrade only when MCUboot is built with it', async () => {
    fixture = await noDowngradeDevice();
    await expect(readBootloaderInfo(fixture.client)).resolves.toMatchObject({ isNoDowngrade: true });
    await fixture.dispose();
    fixture = await startSmpDeviceFixture();
    await expect(readBootloaderInfo(fixture.client)).resolves.toMatchObject({ isNoDowngrade: false });
  });

  it('refuses to mark an image with a lower security counter for test, with CURRENT_VERSION_IS_NEWER', async () => {
    fixture = await noDowngradeDevice();
    const older = imageWithCounter('1.1.0', 1);
    await upload(older);
    await expect(markImageForTest(fixture.client, hashOf(older))).rejects.toMatchObject({
      code: 'DEVICE_REJECTED',
      details: { group: 1, rc: 27 },
    });
    const v1 = new SmpClient(new InMemorySmpLink(fixture.device), { version: 0 });
    await expect(markImageForTest(v1, hashOf(older))).rejects.toMatchObject({
      details: { kind: 'smp-error', rc: 6 },
    });
    v1.dispose();
    expect(fixture.device.store.boot.swapRequest).toBe('none');
  });

  it('raises the hardware counter only once the new image is confirmed, so an unconfirmed test reverts', async () => {
    fixture = await noDowngradeDevice();
    expect(fixture.device.store.boot.securityCounter).toBe(2);
    const newer = imageWithCounter('2.0.0', 5);
    await upload(newer);
    await markImageForTest(fixture.client, hashOf(newer));
    await reset();
    expect((await readImageState(fixture.client))[0]).toMatchObject({ version: '2.0.0', isConfirmed: false });
    expect(fixture.device.store.boot.securityCounter).toBe(2);
    await reset();
    expect((await readImageState(fixture.client))[0]).toMatchObject({ version: '1.0.0', isConfirmed: true });

    await markImageForTest(fixture.client, hashOf(newer));
    await reset();
    await confirmRunningImage(fixture.client);
    await reset();
    expect(fixture.device.store.boot.securityCounter).toBe(5);
    const sameCounter = imageWithCounter('2.0.1', 5);
    await upload(sameCounter);
    await markImageForTest(fixture.client, hashOf(sameCounter));
    await reset();
    expect((await readImageState(fixture.client))[0]).toMatchObject({ version: '2.0.1', isActive: true });
  });

  it('at reset, the bootloader itself refuses and erases an image below the hardware counter', async () => {
    fixture = await noDowngradeDevice();
    const older = imageWithCounter('0.9.0', 1);
    await upload(older);
    // Bypass img_mgmt's check, as a bootloader must not trust the application to have made it.
    fixture.device.store.boot.swapRequest = 'permanent';
    await fixture.device.store.saveBoot();
    await reset();
    const slots = await readImageState(fixture.client);
    expect(slots).toHaveLength(1);
    expect(slots[0]).toMatchObject({ version: '1.0.0', isActive: true });
    expect(await fixture.device.store.readSlot(1)).toBeUndefined();
  });

  it('boots a lower security counter when MCUboot has no downgrade prevention', async () => {
    fixture = await startSmpDeviceFixture({ firmwareSecurityCounter: 4 });
    const older = imageWithCounter('1.0.1', 1);
    await upload(older);
    await markImageForTest(fixture.client, hashOf(older));
    await reset();
    expect((await readImageState(fixture.client))[0]).toMatchObject({ version: '1.0.1', isActive: true });
  });
});
