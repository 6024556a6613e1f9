import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeUf2File } from '../../../../main/core/drivers/uf2/uf2-block';
import { buildUf2File } from '../../../../main/core/drivers/uf2/uf2-file-builder';
import { readUf2Image } from '../../../../main/core/drivers/uf2/uf2-image-reader';
import { parseInfoUf2 } from '../../../../main/core/drivers/uf2/info-uf2-parser';
import { makeTempDir } from '../../../../main/test-support/temp-dir';
import { Uf2LabDrive } from './uf2-lab-drive';

const RP2040 = 0xe48bff56;
const BASE = 0x1000_0000;
const firmware = Uint8Array.from({ length: 3000 }, (_, index) => (index * 13 + 1) & 0xff);

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > timeoutMs) throw new Error(`timed out waiting until ${what}`);
    await sleep(10);
  }
}

describe('lab UF2 bootloader drive (protocols.md §4)', () => {
  const temps: { remove(): void }[] = [];
  const drives: Uf2LabDrive[] = [];
  afterEach(async () => {
    for (const drive of drives.splice(0)) {
      await drive.stop();
      expect(drive.faults).toEqual([]);
    }
    for (const temp of temps.splice(0)) temp.remove();
  });

  async function startDrive(
    options: Partial<Parameters<typeof Uf2LabDrive.start>[0]> = {},
  ): Promise<Uf2LabDrive> {
    const temp = makeTempDir('fieldline-uf2-lab-');
    temps.push(temp);
    const drive = await Uf2LabDrive.start({
      mountRoot: join(temp.path, 'media'),
      stateDir: join(temp.path, 'state'),
      ...options,
    });
    drives.push(drive);
    return drive;
  }

  /** Copies a file onto the drive and waits for the reboot: vanish, then come back. */
  async function copyAndWaitForReboot(drive: Uf2LabDrive, name: string, bytes: Uint8Array): Promise<void> {
    const copies = drive.completedCopies;
    await writeFile(join(drive.folder, name), bytes);
    await waitUntil(() => drive.completedCopies > copies, 'the copy completed');
    await waitUntil(() => drive.isMounted, 'the drive came back');
  }

  async function currentImage(drive: Uf2LabDrive, lengthBytes: number): Promise<Uint8Array> {
    const blocks = decodeUf2File(new Uint8Array(await readFile(join(drive.folder, 'CURRENT.UF2'))));
    return readUf2Image(blocks, { familyId: RP2040, baseAddress: BASE, lengthBytes });
  }

  it('mounts with an INFO_UF2.TXT the core parses, INDEX.HTM and a CURRENT.UF2 of erased flash', async () => {
    const drive = await startDrive({ serialNumber: 'E66038B7130B5C2F' });
    const info = parseInfoUf2(await readFile(join(drive.folder, 'INFO_UF2.TXT')));
    expect(info).toMatchObject({
      model: 'Fieldline Lab RP2040',
      boardId: 'RP2040-FieldlineLab-v1',
      serialNumber: 'E66038B7130B5C2F',
    });
    expect(await readFile(join(drive.folder, 'INDEX.HTM'), 'utf8')).toContain('<html>');
    expect([...(await currentImage(drive, 4))]).toEqual([0xff, 0xff, 0xff, 0xff]);
    expect(drive.store.bootCount).toBe(1);
  });

  it('takes a .uf2 copy, vanishes, and returns with CURRENT.UF2 holding the new firmware', async () => {
    const drive = await startDrive();
    let sawVanish = false;
    const watcher = setInterval(() => (sawVanish ||= !existsSync(drive.folder)), 1);
    await copyAndWaitForReboot(
      drive,
      'firmware.uf2',
      buildUf2File(firmware, { familyId: RP2040, baseAddress: BASE }),
    );
    clearInterval(watcher);
    expect(sawVanish).toBe(true);
    expect(await currentImage(drive, firmware.length)).toEqual(firmware);
    expect(existsSync(join(drive.folder, 'firmware.uf2'))).toBe(false);
    expect(drive.store.bootCount).toBe(2);
    expect(drive.count('accepted')).toBe(12);
  });

  it('accounts blocks by number: shuffled, duplicated and foreign-family blocks still make one complete copy', async () => {
    const drive = await startDrive();
    const ours = buildUf2File(firmware, { familyId: RP2040, baseAddress: BASE });
    const foreign = buildUf2File(new Uint8Array(1024).fill(0x5a), {
      familyId: 0xada52840,
      baseAddress: BASE,
    });
    const sectors = (file: Uint8Array) =>
      Array.from({ length: file.length / 512 }, (_, index) => file.subarray(index * 512, index * 512 + 512));
    const mine = sectors(ours);
    const mixed = [
      mine[5]!,
      ...sectors(foreign),
      mine[5]!,
      ...mine.slice(6).reverse(),
      mine[0]!,
      ...mine.slice(0, 5).reverse(),
    ];
    await copyAndWaitForReboot(drive, 'mixed.uf2', new Uint8Array(Buffer.concat(mixed)));
    expect(drive.count('foreign-family')).toBe(4);
    expect(drive.count('duplicate')).toBeGreaterThanOrEqual(1);
    expect(await currentImage(drive, firmware.length)).toEqual(firmware);
  });

  it('waits for every block: a copy with one missing stays mounted until that block arrives in another file', async () => {
    const drive = await startDrive();
    const file = buildUf2File(firmware, { familyId: RP2040, baseAddress: BASE });
    const missing = file.subarray(3 * 512, 4 * 512);
    await writeFile(
      join(drive.folder, 'partial.uf2'),
      new Uint8Array(Buffer.concat([file.subarray(0, 3 * 512), file.subarray(4 * 512)])),
    );
    await waitUntil(() => drive.count('accepted') === 11, 'eleven blocks were taken');
    expect(drive.isMounted).toBe(true);
    expect(drive.completedCopies).toBe(0);
    await copyAndWaitForReboot(drive, 'rest.uf2', missing);
    expect(await currentImage(drive, firmware.length)).toEqual(firmware);
  });

  it('ignores blocks outside flash, and files that hold no UF2 blocks', async () => {
    const drive = await startDrive({ flashBytes: 1024 });
    await writeFile(join(drive.folder, 'notes.txt'), new Uint8Array(1024).fill(0x41));
    await writeFile(
      join(drive.folder, 'big.uf2'),
      buildUf2File(new Uint8Array(2048), { familyId: RP2040, baseAddress: BASE + 4096 }),
    );
    await waitUntil(() => drive.count('out-of-range') === 8, 'the out-of-range blocks were examined');
    expect(drive.completedCopies).toBe(0);
  });

  it('keeps its flash and boot count across a restart on the same state folder', async () => {
    const drive = await startDrive();
    await copyAndWaitForReboot(
      drive,
      'firmware.uf2',
      buildUf2File(firmware, { familyId: RP2040, baseAddress: BASE }),
    );
    await drive.stop();
    drives.pop();
    const again = await Uf2LabDrive.start({
      mountRoot: drive.config.mountRoot,
      stateDir: drive.config.stateDir,
    });
    drives.push(again);
    expect(again.store.bootCount).toBe(3);
    expect(await currentImage(again, firmware.length)).toEqual(firmware);
  });

  it('can present a malformed INFO_UF2.TXT, which the core refuses naming the line', async () => {
    const drive = await startDrive({ hasMalformedInfo: true });
    expect(() => parseInfoUf2(new Uint8Array([]))).toThrow();
    const text = await readFile(join(drive.folder, 'INFO_UF2.TXT'));
    expect(() => parseInfoUf2(text)).toThrow(/line 2/);
  });
});
