import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppError } from '../../../shared/errors';
import type { UsbBus, UsbDeviceInfo } from '../../core/ports/usb-bus';

/** What a contract run needs: a bus, the device it may talk to, and optionally a way to replug it. */
export interface UsbBusContractSubject {
  bus: UsbBus;
  /** Picks the device under test from the listing; only read-only requests are sent to it. */
  pickTarget: (devices: UsbDeviceInfo[]) => UsbDeviceInfo | undefined;
  /** Unplugs and replugs the target (simulators only; a person cannot be asked mid-test). */
  replug?: () => Promise<void>;
  stop: () => Promise<void>;
}

const T = { timeoutMs: 2000 };
const GET_DESCRIPTOR = { requestType: 0x80, request: 6, index: 0 };

/**
 * The UsbBus port's contract (main/core/ports/usb-bus.ts), one suite for every implementation: the
 * virtual bus of the device lab always, real hardware through libusb when FIELDLINE_HW_USB names a
 * device. Every request is read-only (standard GET_DESCRIPTOR, DFU GETSTATE), so it is safe on a
 * real device.
 */
export function runUsbBusContract(start: () => Promise<UsbBusContractSubject>): void {
  let subject: UsbBusContractSubject;
  let target: UsbDeviceInfo;
  beforeAll(async () => {
    subject = await start();
    const found = subject.pickTarget(await subject.bus.list());
    if (found === undefined) throw new Error('the device under test is not on the bus');
    target = found;
  });
  afterAll(async () => subject?.stop());

  it('is available and lists the device with a bus-port address and a device number', async () => {
    expect(await subject.bus.availability()).toEqual({ isAvailable: true });
    expect(target.address).toMatch(/^\d+-\d+(\.\d+)*$/);
    expect(target.deviceNumber).toBeGreaterThanOrEqual(1);
    expect(target.deviceNumber).toBeLessThanOrEqual(127);
    expect(target.vendorId).toBeLessThanOrEqual(0xffff);
  });

  it('answers GET_DESCRIPTOR with the device descriptor the listing came from', async () => {
    const handle = await subject.bus.open(target);
    try {
      const bytes = await handle.controlTransferIn({ ...GET_DESCRIPTOR, value: 0x0100 }, 18, T);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
      expect([bytes.length, bytes[0], bytes[1]]).toEqual([18, 18, 1]);
      expect([view.getUint16(8, true), view.getUint16(10, true), view.getUint16(12, true)]).toEqual([
        target.vendorId,
        target.productId,
        target.bcdDevice,
      ]);
      const serialIndex = bytes[16] ?? 0;
      if (target.serialNumber !== undefined && serialIndex !== 0) {
        const serial = await handle.controlTransferIn(
          { ...GET_DESCRIPTOR, value: 0x0300 | serialIndex, index: 0x0409 },
          255,
          T,
        );
        expect(Buffer.from(serial.subarray(2, serial[0])).toString('utf16le')).toBe(target.serialNumber);
      }
    } finally {
      await handle.close();
    }
  });

  it('refuses a request whose direction bit contradicts the method, without sending it', async () => {
    const handle = await subject.bus.open(target);
    await expect(
      handle.controlTransferIn({ ...GET_DESCRIPTOR, requestType: 0x00, value: 0x0100 }, 18, T),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(
      handle.controlTransferOut({ ...GET_DESCRIPTOR, value: 0x0100 }, new Uint8Array(0), T),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await handle.close();
  });

  it('ends a transfer with the abort reason, and every call after close with TRANSPORT_CLOSED', async () => {
    const handle = await subject.bus.open(target);
    const closed: (AppError | undefined)[] = [];
    handle.onClose((reason) => closed.push(reason));
    await expect(
      handle.controlTransferIn({ ...GET_DESCRIPTOR, value: 0x0100 }, 18, {
        ...T,
        signal: AbortSignal.abort(),
      }),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    await handle.close();
    await handle.close();
    expect(closed).toEqual([undefined]);
    await expect(handle.controlTransferIn({ ...GET_DESCRIPTOR, value: 0x0100 }, 18, T)).rejects.toMatchObject(
      { code: 'TRANSPORT_CLOSED' },
    );
  });

  it('refuses to open a stale sighting (same address, another device number) with NOT_FOUND', async () => {
    await expect(
      subject.bus.open({
        address: target.address,
        deviceNumber: target.deviceNumber === 127 ? 1 : target.deviceNumber + 1,
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('reads the DFU state when the device has a DFU interface', async () => {
    const dfu = target.configuration.interfaces.find(
      (entry) => entry.interfaceClass === 0xfe && entry.interfaceSubclass === 1,
    );
    if (dfu === undefined) return;
    const handle = await subject.bus.open(target);
    try {
      await handle.claimInterface(dfu.interfaceNumber);
      const state = await handle.controlTransferIn(
        { requestType: 0xa1, request: 5, value: 0, index: dfu.interfaceNumber },
        1,
        T,
      );
      expect(state.length).toBe(1);
      expect(state[0]).toBeLessThanOrEqual(10);
    } finally {
      await handle.close();
    }
  });

  it('reports a replugged device as a detach and an attach with a new device number', async () => {
    if (subject.replug === undefined) return;
    const detached: UsbDeviceInfo[] = [];
    const attached: UsbDeviceInfo[] = [];
    const subscriptions = [
      subject.bus.onDetach((device) => detached.push(device)),
      subject.bus.onAttach((device) => attached.push(device)),
    ];
    await subject.replug();
    subscriptions.forEach((subscription) => subscription.dispose());
    expect(detached.map((device) => device.deviceNumber)).toEqual([target.deviceNumber]);
    expect(attached).toHaveLength(1);
    expect(attached[0]?.deviceNumber).not.toBe(target.deviceNumber);
    target = attached[0]!;
  });
}

/** Describes a contract run, or a skipped one whose name says why. */
export function describeUsbBusContract(
  name: string,
  skipReason: string | undefined,
  start: () => Promise<UsbBusContractSubject>,
): void {
  if (skipReason !== undefined)
    describe.skip(`${name} (skipped: ${skipReason})`, () => it('needs hardware', () => undefined));
  else describe(name, () => runUsbBusContract(start));
}
