import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { UsbDeviceHandle } from '../../../../main/core/ports/usb-bus';
import { startDfuLab, type DfuLab } from './dfu-lab-fixture';
import {
  abort,
  clrstatus,
  dnload,
  ERROR,
  flashRaw,
  image,
  sendBlock,
  status,
  T,
  upload,
} from './dfu-raw-requests';

// The lab device is exercised with raw control transfers (protocols.md §3 numbers written out in
// dfu-raw-requests.ts), independently of the core's DFU codecs and driver.
describe('lab DFU 1.1 bootloader in DFU mode on the virtual USB bus (protocols.md §3)', () => {
  let lab: DfuLab;
  afterEach(async () => {
    expect(lab.device.faults).toEqual([]);
    await lab.stop();
  });

  it('enumerates in DFU mode with an empty flash, describing itself byte for byte', async () => {
    lab = await startDfuLab({ transferSizeBytes: 512 });
    const info = await lab.current();
    expect(info).toMatchObject({
      vendorId: 0x1209,
      productId: 0x0001,
      serialNumber: 'FL-DFU-0001',
      address: lab.address,
    });
    expect(info.configuration.interfaces[0]).toMatchObject({
      interfaceClass: 0xfe,
      interfaceSubclass: 1,
      interfaceProtocol: 2,
    });
    expect(info.configuration.interfaces[0]?.dfuFunctional).toMatchObject({
      canDownload: true,
      canUpload: true,
      isManifestationTolerant: true,
      transferSizeBytes: 512,
      dfuVersion: 0x0110,
    });
    const handle = await lab.bus.open(info);
    const deviceDescriptor = await handle.controlTransferIn(
      { requestType: 0x80, request: 6, value: 0x0100, index: 0 },
      18,
      T,
    );
    expect([...deviceDescriptor.subarray(0, 2), ...deviceDescriptor.subarray(8, 12)]).toEqual([
      18, 1, 0x09, 0x12, 0x01, 0x00,
    ]);
    const serial = await handle.controlTransferIn(
      { requestType: 0x80, request: 6, value: 0x0303, index: 0x0409 },
      255,
      T,
    );
    expect(Buffer.from(serial.subarray(2)).toString('utf16le')).toBe('FL-DFU-0001');
    expect(await status(handle)).toEqual({ status: 0, pollMs: 0, state: 2 });
    await handle.close();
  });

  it('reports dfuDNBUSY until bwPollTimeout has passed: an early GETSTATUS finds it still busy', async () => {
    lab = await startDfuLab({ transferSizeBytes: 1024, flashMsPerKiB: 200 });
    const handle = await lab.bus.open(await lab.current());
    await dnload(handle, 0, image.subarray(0, 1024));
    const first = await status(handle);
    expect(first).toEqual({ status: 0, pollMs: 200, state: 4 });
    const early = await status(handle);
    expect(early.state).toBe(4);
    expect(lab.device.traffic.earlyPolls).toBe(1);
    await sleep(early.pollMs);
    expect((await status(handle)).state).toBe(5);
    await handle.close();
  });

  it('stalls an early GETSTATUS into dfuERROR when strict, and CLRSTATUS returns to dfuIDLE', async () => {
    lab = await startDfuLab({ flashMsPerKiB: 200, isStrictAboutEarlyPolls: true });
    const handle = await lab.bus.open(await lab.current());
    await dnload(handle, 0, image.subarray(0, 1024));
    expect((await status(handle)).state).toBe(4);
    await expect(status(handle)).rejects.toMatchObject({
      code: 'DEVICE_REJECTED',
      details: { isStall: true },
    });
    expect(await status(handle)).toMatchObject({ status: 15, state: ERROR });
    await clrstatus(handle);
    expect(await status(handle)).toMatchObject({ status: 0, state: 2 });
    await handle.close();
  });

  it.each([
    [
      'a skipped block number',
      async (handle: UsbDeviceHandle) => {
        await sendBlock(handle, 0, image.subarray(0, 64));
        await dnload(handle, 2, image.subarray(0, 64));
      },
      8,
    ],
    [
      'a block larger than wTransferSize',
      (handle: UsbDeviceHandle) => dnload(handle, 0, new Uint8Array(1025)),
      15,
    ],
    ['a zero-length DNLOAD in dfuIDLE', (handle: UsbDeviceHandle) => dnload(handle, 0, new Uint8Array(0)), 9],
    [
      'an image larger than flash',
      async (handle: UsbDeviceHandle) => {
        for (let block = 0; block < 5; block += 1) await sendBlock(handle, block, new Uint8Array(1024));
      },
      8,
    ],
    ['CLRSTATUS outside dfuERROR', (handle: UsbDeviceHandle) => clrstatus(handle), 15],
  ])('stalls %s and reports why in dfuERROR', async (_name, misuse, expectedStatus) => {
    lab = await startDfuLab({ flashBytes: 4096 });
    const handle = await lab.bus.open(await lab.current());
    await expect(misuse(handle)).rejects.toMatchObject({ details: { isStall: true } });
    expect(await status(handle)).toMatchObject({ status: expectedStatus, state: ERROR });
    await expect(dnload(handle, 0, image.subarray(0, 8))).rejects.toMatchObject({ code: 'DEVICE_REJECTED' });
    await clrstatus(handle);
    expect((await status(handle)).state).toBe(2);
    await handle.close();
  });

  it('manifests (tolerant) back to dfuIDLE, and UPLOAD reads the image then erased flash until a short block', async () => {
    lab = await startDfuLab({ transferSizeBytes: 1024, flashBytes: 4096 });
    const handle = await lab.bus.open(await lab.current());
    expect(await flashRaw(handle, 1024)).toBe(2);
    const blocks: Uint8Array[] = [];
    for (let block = 0; ; block += 1) {
      const data = await upload(handle, block, 1000);
      blocks.push(data);
      if (data.length < 1000) break;
    }
    const readBack = Buffer.concat(blocks);
    expect(readBack.length).toBe(4096);
    expect(new Uint8Array(readBack.subarray(0, image.length))).toEqual(image);
    expect(readBack.subarray(image.length).every((byte) => byte === 0xff)).toBe(true);
    expect((await status(handle)).state).toBe(2);
    await upload(handle, 0, 100);
    expect((await status(handle)).state).toBe(9);
    await abort(handle);
    expect((await status(handle)).state).toBe(2);
    await handle.close();
  });
});
