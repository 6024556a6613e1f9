import { afterEach, describe, expect, it } from 'vitest';
import { startDfuLab, type DfuLab } from './dfu-lab-fixture';
import { flashRaw, image, status, T } from './dfu-raw-requests';

// Re-enumeration between the bootloader and the application, and what survives a power cycle.
describe('lab DFU device across reboots: run-time ↔ DFU mode, persistent state (protocols.md §3)', () => {
  let lab: DfuLab;
  afterEach(async () => {
    expect(lab.device.faults).toEqual([]);
    await lab.stop();
  });

  it('waits in dfuMANIFEST-WAIT-RESET when not tolerant; a bus reset re-enumerates it as the application', async () => {
    lab = await startDfuLab({ isManifestationTolerant: false });
    const before = await lab.current();
    const handle = await lab.bus.open(before);
    expect(await flashRaw(handle, 1024)).toBe(8);
    const detached = new Promise((resolve) => lab.bus.onDetach(resolve));
    const back = lab.nextAttach();
    await handle.reset(T);
    await detached;
    const after = await back;
    expect(after).toMatchObject({
      productId: 0x0002,
      serialNumber: before.serialNumber,
      address: before.address,
    });
    expect(after.deviceNumber).not.toBe(before.deviceNumber);
    expect(after.configuration.interfaces[1]).toMatchObject({
      interfaceProtocol: 1,
      dfuFunctional: { isManifestationTolerant: false },
    });
    expect(after.configuration.interfaces[0]?.name).toMatch(/^firmware sha256:[0-9a-f]{64}$/);
    await expect(
      handle.controlTransferIn({ requestType: 0xa1, request: 3, value: 0, index: 0 }, 6, T),
    ).rejects.toMatchObject({ code: 'TRANSPORT_CLOSED' });
    await expect(lab.bus.open(before)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(lab.device.bootCount).toBe(2);
  });

  it('keeps image and boot count in its state folder across a power cycle', async () => {
    lab = await startDfuLab();
    const handle = await lab.bus.open(await lab.current());
    await flashRaw(handle, 1024);
    await handle.close();
    const device = await lab.powerCycle();
    expect(device.mode).toBe('runtime');
    expect(device.bootCount).toBe(2);
    expect(await device.store.readImage()).toEqual(image);
  });

  it('goes from run-time to DFU mode on DETACH followed by a bus reset, and stays put on a reset without DETACH', async () => {
    lab = await startDfuLab();
    let handle = await lab.bus.open(await lab.current());
    await flashRaw(handle, 1024);
    await handle.reset(T);
    let runtime = await lab.nextAttach();
    expect(runtime.productId).toBe(2);
    handle = await lab.bus.open(runtime);
    const plainReset = lab.nextAttach();
    await handle.reset(T);
    runtime = await plainReset;
    expect(runtime.productId).toBe(2);
    handle = await lab.bus.open(runtime);
    expect(await status(handle, 1)).toMatchObject({ state: 0 });
    await handle.controlTransferOut(
      { requestType: 0x21, request: 0, value: 500, index: 1 },
      new Uint8Array(0),
      T,
    );
    expect(await status(handle, 1)).toMatchObject({ state: 1 });
    const bootloader = lab.nextAttach();
    await handle.reset(T);
    expect((await bootloader).productId).toBe(1);
  });

  it('detaches by itself after DFU_DETACH when it sets bitWillDetach', async () => {
    lab = await startDfuLab({ willDetach: true });
    let handle = await lab.bus.open(await lab.current());
    await flashRaw(handle, 1024);
    await handle.reset(T);
    handle = await lab.bus.open(await lab.nextAttach());
    const bootloader = lab.nextAttach();
    await handle.controlTransferOut(
      { requestType: 0x21, request: 0, value: 500, index: 1 },
      new Uint8Array(0),
      T,
    );
    expect((await bootloader).productId).toBe(1);
  });
});
