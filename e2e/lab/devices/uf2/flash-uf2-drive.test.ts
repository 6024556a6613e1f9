import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DriveFiles } from '../../../../main/adapters/drive/drive-file-writer';
import { FolderDriveWatcher } from '../../../../main/adapters/drive/folder-drive-watcher';
import { sightingFromUf2Drive } from '../../../../main/core/discovery/drive-sighting';
import { flashUf2Drive } from '../../../../main/core/drivers/uf2/flash-uf2-drive';
import type { Uf2Drive } from '../../../../main/core/ports/drive-watcher';
import { silentLogger } from '../../../../main/core/ports/logger';
import { makeTempDir } from '../../../../main/test-support/temp-dir';
import { Uf2LabDrive } from './uf2-lab-drive';

const RP2040 = 0xe48bff56;
const BASE = 0x1000_0000;

describe('UF2 flashing through the drive adapter against the lab UF2 drive (protocols.md §4)', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setUp(
    options: { serialNumber?: string } = {},
  ): Promise<{ lab: Uf2LabDrive; watcher: FolderDriveWatcher; drive: Uf2Drive }> {
    const temp = makeTempDir('fieldline-uf2-flash-');
    cleanups.push(() => temp.remove());
    const mountRoot = join(temp.path, 'media');
    const lab = await Uf2LabDrive.start({
      mountRoot,
      stateDir: join(temp.path, 'state'),
      bootTimeMs: 300,
      ...options,
    });
    cleanups.push(async () => {
      await lab.stop();
      expect(lab.faults).toEqual([]);
    });
    const watcher = new FolderDriveWatcher({
      folders: [mountRoot],
      includeSystemMounts: false,
      pollIntervalMs: 50,
      logger: silentLogger,
    });
    cleanups.push(() => watcher.close());
    const [drive] = await watcher.list();
    if (drive === undefined) throw new Error('the lab drive was not discovered');
    return { lab, watcher, drive };
  }

  it('discovers the drive as a uf2 sighting, flashes it, sees it reboot and verifies CURRENT.UF2', async () => {
    const { lab, watcher, drive } = await setUp({ serialNumber: 'E66038B7130B5C2F' });
    expect(sightingFromUf2Drive(drive)).toEqual({
      transport: 'drive',
      address: lab.folder,
      identifiers: { serial: 'E66038B7130B5C2F' },
      model: 'Fieldline Lab RP2040',
      protocol: 'uf2',
    });
    const firmware = Uint8Array.from({ length: 10_000 }, (_, index) => (index * 7) & 0xff);
    const phases: string[] = [];
    const events: string[] = [];
    watcher.onDisappear(() => events.push('disappear'));
    watcher.onAppear(() => events.push('appear'));
    const result = await flashUf2Drive(watcher, new DriveFiles(), drive, firmware, {
      familyId: RP2040,
      baseAddress: BASE,
      logger: silentLogger,
      onProgress: (phase) => phases.push(phase),
    });
    expect(result.verification).toBe('verified-by-current-uf2');
    expect(result.drive.folder).toBe(lab.folder);
    expect(phases).toEqual(['copy', 'reboot', 'verify']);
    expect(events).toEqual(['disappear', 'appear']);
    expect(lab.completedCopies).toBe(1);
    expect(lab.store.bootCount).toBe(2);
  });

  it('times out with a hint when the board ignores a file of another family', async () => {
    const { lab, watcher, drive } = await setUp();
    const attempt = flashUf2Drive(watcher, new DriveFiles(), drive, new Uint8Array(1024), {
      familyId: 0xada52840,
      baseAddress: BASE,
      logger: silentLogger,
      rebootTimeoutMs: 500,
    });
    await expect(attempt).rejects.toMatchObject({
      code: 'TIMEOUT',
      message: expect.stringContaining('family id') as unknown,
    });
    expect(lab.count('foreign-family')).toBe(4);
    expect(lab.isMounted).toBe(true);
  });
});
