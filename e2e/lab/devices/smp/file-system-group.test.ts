import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import {
  closeOpenFile,
  downloadFile,
  hashFile,
  isFileNotFound,
  readFileLength,
} from '../../../../main/core/drivers/smp/file-system-commands';
import { uploadFile } from '../../../../main/core/drivers/smp/file-upload';
import { resetDevice } from '../../../../main/core/drivers/smp/os-commands';
import { SmpClient } from '../../../../main/core/drivers/smp/smp-client';
import { decodeSmpPacket, encodeSmpPacket } from '../../../../main/core/drivers/smp/smp-packet';
import { eraseStorage } from '../../../../main/core/drivers/smp/zephyr-basic-commands';
import { InMemorySmpLink } from '../../transports/in-memory-smp-link';
import { startSmpDeviceFixture, type SmpDeviceFixture } from './smp-lab-device-fixture';

let fixture: SmpDeviceFixture;
afterEach(async () => {
  expect(fixture.device.faults).toEqual([]);
  await fixture.dispose();
});

const fileOf = (length: number, salt = 1): Uint8Array =>
  new Uint8Array(length).map((_, index) => (index * 29 + salt) & 0xff);
const fs = (op: 'read' | 'write', commandId: number, body: Record<string, unknown>) =>
  fixture.client.request({ op, group: 8, commandId, body: body as never });
const rejectedWith = (rc: number) => ({ code: 'DEVICE_REJECTED', details: { group: 8, rc } });
const upload = (path: string, bytes: Uint8Array) =>
  uploadFile(fixture.client, path, bytes, { deviceBufSizeBytes: fixture.config.bufSizeBytes });

describe('lab SMP device: file-system group 8 (protocols.md §1)', () => {
  it('uploads a file in chunks within buf_size and downloads the same bytes; status and hashes agree', async () => {
    fixture = await startSmpDeviceFixture({ bufSizeBytes: 512 });
    const bytes = fileOf(5000);
    await expect(upload('/lfs1/config/app.json', bytes)).resolves.toEqual({
      totalBytes: 5000,
      resumedFromBytes: 0,
    });
    const writes = fixture.device.dispatcher.traffic.filter(
      (entry) => entry.group === 8 && entry.op === 'write',
    );
    expect(writes.length).toBeGreaterThan(10);
    expect(writes.every((entry) => entry.outcome === 'ok')).toBe(true);
    await expect(readFileLength(fixture.client, '/lfs1/config/app.json')).resolves.toBe(5000);
    await expect(downloadFile(fixture.client, '/lfs1/config/app.json')).resolves.toEqual(bytes);
    await expect(hashFile(fixture.client, '/lfs1/config/app.json', 'sha256')).resolves.toEqual({
      type: 'sha256',
      offset: 0,
      lengthBytes: 5000,
      output: new Uint8Array(createHash('sha256').update(bytes).digest()),
    });
    await expect(
      hashFile(fixture.client, '/lfs1/config/app.json', 'crc32', { offset: 100, lengthBytes: 1000 }),
    ).resolves.toEqual({
      type: 'crc32',
      offset: 100,
      lengthBytes: 1000,
      output: crc32(bytes.subarray(100, 1100)),
    });
    await expect(fs('read', 3, {})).resolves.toEqual({
      types: { crc32: { format: 0, size: 4 }, sha256: { format: 1, size: 32 } },
    });
  });

  it('overwrites a file uploaded again from offset 0', async () => {
    fixture = await startSmpDeviceFixture();
    await uploadFile(fixture.client, '/lfs1/a.bin', fileOf(3000, 1), {
      deviceBufSizeBytes: 2048,
      isResumable: false,
    });
    await uploadFile(fixture.client, '/lfs1/a.bin', fileOf(1200, 2), {
      deviceBufSizeBytes: 2048,
      isResumable: false,
    });
    await expect(downloadFile(fixture.client, '/lfs1/a.bin')).resolves.toEqual(fileOf(1200, 2));
  });

  it('answers an upload at the wrong offset with FILE_OFFSET_NOT_VALID and the length it holds', async () => {
    fixture = await startSmpDeviceFixture();
    const bytes = fileOf(3000);
    await fs('write', 0, { off: 0, len: 3000, name: '/lfs1/x.bin', data: bytes.subarray(0, 1000) });
    const request = encodeSmpPacket({
      op: 2,
      version: 1,
      flags: 0,
      group: 8,
      seq: 9,
      commandId: 0,
      body: { off: 1500, name: '/lfs1/x.bin', data: bytes.subarray(1500, 1600) },
    });
    const answer = await new Promise<Uint8Array>((resolve) => fixture.device.receive(request, resolve));
    expect(decodeSmpPacket(answer).body).toEqual({ err: { group: 8, rc: 11 }, len: 1000 });
  });

  it('resumes a partial upload of the same bytes, and starts over when the device holds other bytes', async () => {
    fixture = await startSmpDeviceFixture();
    const bytes = fileOf(6000);
    await fs('write', 0, { off: 0, len: 6000, name: '/lfs1/fw.cfg', data: bytes.subarray(0, 1500) });
    const boot = fixture.nextBoot();
    await resetDevice(fixture.client);
    await boot;
    await expect(upload('/lfs1/fw.cfg', bytes)).resolves.toEqual({
      totalBytes: 6000,
      resumedFromBytes: 1500,
    });
    await expect(downloadFile(fixture.client, '/lfs1/fw.cfg')).resolves.toEqual(bytes);

    await fs('write', 0, { off: 0, len: 6000, name: '/lfs1/other.cfg', data: fileOf(1500, 9) });
    await closeOpenFile(fixture.client);
    await expect(upload('/lfs1/other.cfg', bytes)).resolves.toMatchObject({ resumedFromBytes: 0 });
    await expect(downloadFile(fixture.client, '/lfs1/other.cfg')).resolves.toEqual(bytes);
  });

  it('names missing files, bad names, empty files, bad ranges and unknown hash types', async () => {
    fixture = await startSmpDeviceFixture();
    const missing = readFileLength(fixture.client, '/lfs1/nothing');
    await expect(missing).rejects.toMatchObject(rejectedWith(3));
    expect(isFileNotFound(await missing.catch((error: unknown) => error))).toBe(true);
    await expect(downloadFile(fixture.client, '/lfs1/nothing')).rejects.toMatchObject(rejectedWith(3));
    for (const name of ['relative.txt', '/lfs1/../escape', '/lfs1//double', '/lfs1/./here'])
      await expect(fs('write', 0, { off: 0, len: 1, name, data: Uint8Array.of(1) })).rejects.toMatchObject(
        rejectedWith(2),
      );
    await expect(
      fs('write', 0, { off: 0, len: 1, name: '/sd/x', data: Uint8Array.of(1) }),
    ).rejects.toMatchObject(rejectedWith(14));
    await expect(
      fs('write', 0, { off: 0, len: 1, name: `/lfs1/${'n'.repeat(64)}`, data: Uint8Array.of(1) }),
    ).rejects.toMatchObject({ details: { kind: 'smp-error', rc: 3 } });
    await expect(
      fs('write', 0, { off: 0, name: '/lfs1/no-len', data: Uint8Array.of(1) }),
    ).rejects.toMatchObject({
      details: { kind: 'smp-error', rc: 3 },
    });
    await fs('write', 0, { off: 0, len: 0, name: '/lfs1/empty', data: new Uint8Array(0) });
    await expect(hashFile(fixture.client, '/lfs1/empty', 'sha256')).rejects.toMatchObject(rejectedWith(16));
    await upload('/lfs1/small', fileOf(100));
    await expect(hashFile(fixture.client, '/lfs1/small', 'crc32', { offset: 100 })).rejects.toMatchObject(
      rejectedWith(12),
    );
    await expect(fs('read', 2, { name: '/lfs1/small', type: 'md5' })).rejects.toMatchObject(rejectedWith(13));
    expect(await readdir(fixture.config.stateDir)).not.toContain('escape');
    expect(await fixture.device.fileSystem.list()).toEqual(['/lfs1/empty', '/lfs1/small']);
  });

  it('fails a write that does not fit the storage partition', async () => {
    fixture = await startSmpDeviceFixture({ storageBytes: 4096 });
    await expect(upload('/lfs1/big.bin', fileOf(6000))).rejects.toMatchObject(rejectedWith(10));
  });

  it('collapses fs errors to legacy codes for SMP v1 requests', async () => {
    fixture = await startSmpDeviceFixture();
    const v1 = new SmpClient(new InMemorySmpLink(fixture.device), { version: 0 });
    await expect(readFileLength(v1, '/lfs1/none')).rejects.toMatchObject({
      details: { kind: 'smp-error', rc: 5 },
    });
    expect(isFileNotFound(await readFileLength(v1, '/lfs1/none').catch((error: unknown) => error))).toBe(
      true,
    );
    v1.dispose();
  });
});

describe('lab SMP device: Zephyr basic group 63, erase storage', () => {
  it('erases files and saved settings; runtime settings last until the next reset', async () => {
    fixture = await startSmpDeviceFixture();
    const settings = (op: 'read' | 'write', commandId: number, body: Record<string, unknown> = {}) =>
      fixture.client.request({ op, group: 3, commandId, body: body as never });
    await upload('/lfs1/keep-me-not', fileOf(2000));
    await settings('write', 0, { name: 'fieldline/site', val: Uint8Array.of(1, 2) });
    await settings('write', 3);
    await eraseStorage(fixture.client);
    await expect(readFileLength(fixture.client, '/lfs1/keep-me-not')).rejects.toMatchObject(rejectedWith(3));
    await expect(settings('read', 0, { name: 'fieldline/site' })).resolves.toEqual({
      val: Uint8Array.of(1, 2),
    });
    const boot = fixture.nextBoot();
    await resetDevice(fixture.client);
    await boot;
    await expect(settings('read', 0, { name: 'fieldline/site' })).rejects.toMatchObject({
      details: { group: 3, rc: 3 },
    });
    expect(await fixture.device.fileSystem.list()).toEqual([]);
  });
});
