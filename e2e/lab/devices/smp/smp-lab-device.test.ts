import { afterEach, describe, expect, it } from 'vitest';
import {
  echo,
  readBootloaderInfo,
  readMcumgrParams,
  readOsInfo,
  resetDevice,
} from '../../../../main/core/drivers/smp/os-commands';
import { SmpClient } from '../../../../main/core/drivers/smp/smp-client';
import { decodeSmpPacket, encodeSmpPacket } from '../../../../main/core/drivers/smp/smp-packet';
import { InMemorySmpLink } from '../../transports/in-memory-smp-link';
import { startSmpDeviceFixture, type SmpDeviceFixture } from './smp-lab-device-fixture';

let fixture: SmpDeviceFixture;
afterEach(async () => {
  expect(fixture.device.faults).toEqual([]);
  await fixture.dispose();
});

const settings = (op: 'read' | 'write', commandId: number, body: Record<string, unknown> = {}) =>
  fixture.client.request({ op, group: 3, commandId, body: body as never });

describe('lab SMP device: OS and settings groups, buffers (protocols.md §1)', () => {
  it('answers echo, mcumgr params, info and bootloader info', async () => {
    fixture = await startSmpDeviceFixture({ bufSizeBytes: 1024, bufCount: 3, model: 'lab-model-x' });
    await expect(echo(fixture.client, 'hello')).resolves.toBe('hello');
    await expect(readMcumgrParams(fixture.client)).resolves.toEqual({ bufSizeBytes: 1024, bufCount: 3 });
    await expect(readOsInfo(fixture.client, 'si')).resolves.toBe('Zephyr lab-model-x');
    await expect(readBootloaderInfo(fixture.client)).resolves.toEqual({
      bootloader: 'MCUboot',
      mode: 3,
      isNoDowngrade: false,
    });
  });

  it('answers unknown commands with NOTSUP and malformed fields with INVAL', async () => {
    fixture = await startSmpDeviceFixture();
    await expect(fixture.client.request({ op: 'read', group: 0, commandId: 99 })).rejects.toMatchObject({
      details: { rc: 8 },
    });
    await expect(
      fixture.client.request({ op: 'write', group: 0, commandId: 0, body: { d: 5 } }),
    ).rejects.toMatchObject({ details: { rc: 3 } });
  });

  it('answers a body that is not CBOR with INVAL and keeps the seq', async () => {
    fixture = await startSmpDeviceFixture();
    const good = encodeSmpPacket({ op: 0, version: 1, flags: 0, group: 0, seq: 77, commandId: 6, body: {} });
    const broken = Uint8Array.from([...good.subarray(0, 3), 1, ...good.subarray(4, 8), 0xff]);
    const answer = await new Promise<Uint8Array>((resolve) => fixture.device.receive(broken, resolve));
    expect(decodeSmpPacket(answer)).toMatchObject({
      op: 1,
      version: 1,
      seq: 77,
      commandId: 6,
      body: { rc: 3 },
    });
  });

  it('keeps runtime settings until reset and saved settings across power cycles', async () => {
    fixture = await startSmpDeviceFixture();
    const val = Uint8Array.from([1, 2, 3]);
    await settings('write', 0, { name: 'fieldline/site', val });
    await expect(settings('read', 0, { name: 'fieldline/site' })).resolves.toEqual({ val });
    await settings('write', 0, { name: 'fieldline/unsaved', val });
    await settings('write', 3);
    await settings('write', 0, { name: 'fieldline/after-save', val });
    const boot = fixture.nextBoot();
    await resetDevice(fixture.client);
    await boot;
    await expect(settings('read', 0, { name: 'fieldline/after-save' })).rejects.toMatchObject({
      details: { group: 3, rc: 3 },
    });
    await fixture.powerCycle();
    await expect(settings('read', 0, { name: 'fieldline/unsaved' })).resolves.toEqual({ val });
    await settings('write', 1, { name: 'fieldline/site' });
    await fixture.powerCycle();
    await expect(settings('read', 0, { name: 'fieldline/site' })).rejects.toMatchObject({
      details: { group: 3, rc: 3 },
    });
  });

  it('drops packets beyond buf_count while busy and packets larger than buf_size', async () => {
    fixture = await startSmpDeviceFixture({ bufCount: 2, flash: { sectorEraseMs: 20 } });
    const greedy = new SmpClient(new InMemorySmpLink(fixture.device), { maxInFlight: 6, timeoutMs: 300 });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 6 }, (_, index) => echo(greedy, `n${index}`)),
    );
    greedy.dispose();
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled').length).toBeGreaterThanOrEqual(2);
    expect(fixture.device.drops.bufferFull).toBe(
      6 - outcomes.filter((outcome) => outcome.status === 'fulfilled').length,
    );
    const quick = new SmpClient(new InMemorySmpLink(fixture.device), { timeoutMs: 50 });
    await expect(echo(quick, 'x'.repeat(3000))).rejects.toMatchObject({ code: 'DEVICE_NOT_RESPONDING' });
    quick.dispose();
    expect(fixture.device.drops.oversize).toBe(1);
  });

  it('ignores packets while it reboots and records every request it handled', async () => {
    fixture = await startSmpDeviceFixture({ bootTimeMs: 200 });
    await resetDevice(fixture.client);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(fixture.device.isResetting).toBe(true);
    const quick = new SmpClient(new InMemorySmpLink(fixture.device), { timeoutMs: 50 });
    await expect(echo(quick, 'anyone?')).rejects.toMatchObject({ code: 'DEVICE_NOT_RESPONDING' });
    quick.dispose();
    expect(fixture.device.drops.whileResetting).toBe(1);
    expect(
      fixture.device.dispatcher.traffic.map((entry) => `${entry.group}/${entry.commandId} ${entry.outcome}`),
    ).toEqual(['0/5 ok']);
  });
});
