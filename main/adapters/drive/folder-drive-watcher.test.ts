import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../core/ports/logger';
import type { Uf2Drive } from '../../core/ports/drive-watcher';
import { makeTempDir } from '../../test-support/temp-dir';
import { DriveFiles } from './drive-file-writer';
import { FolderDriveWatcher } from './folder-drive-watcher';

const INFO = 'UF2 Bootloader v3.0\r\nModel: Raspberry Pi RP2\r\nBoard-ID: RPI-RP2\r\n';

function recordingLogger(): Logger & { warnings: { fields: Record<string, unknown>; message: string }[] } {
  const warnings: { fields: Record<string, unknown>; message: string }[] = [];
  const logger = {
    warnings,
    debug: () => undefined,
    info: () => undefined,
    warn: (fields: Record<string, unknown>, message: string) => warnings.push({ fields, message }),
    error: () => undefined,
    child: () => logger,
  };
  return logger;
}

/** Resolves with the next event of one kind; a deadline guards a broken watcher from hanging the test. */
function next(subscribe: (listener: (drive: Uf2Drive) => void) => { dispose(): void }): Promise<Uf2Drive> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no drive event within 5 s')), 5000);
    const subscription = subscribe((drive) => {
      clearTimeout(timer);
      subscription.dispose();
      resolve(drive);
    });
  });
}

/** Mounts a drive the way a mount appears: complete, all at once. */
function mountDrive(root: string, label: string, info: string): string {
  const staging = join(root, `.${label}.staging`);
  mkdirSync(staging, { recursive: true });
  writeFileSync(join(staging, 'INFO_UF2.TXT'), info);
  renameSync(staging, join(root, label));
  return join(root, label);
}

describe('folder drive watcher (UF2 drives, protocols.md §4)', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function setUp(pollIntervalMs = 50): {
    root: string;
    watcher: FolderDriveWatcher;
    logger: ReturnType<typeof recordingLogger>;
  } {
    const temp = makeTempDir('fieldline-drives-');
    cleanups.push(() => temp.remove());
    const logger = recordingLogger();
    const watcher = new FolderDriveWatcher({
      folders: [temp.path],
      includeSystemMounts: false,
      pollIntervalMs,
      logger,
    });
    cleanups.push(() => watcher.close());
    return { root: temp.path, watcher, logger };
  }

  it('reports a drive that appears under a configured folder, and its disappearance', async () => {
    const { root, watcher } = setUp();
    expect(await watcher.list()).toEqual([]);
    const appeared = next((listener) => watcher.onAppear(listener));
    const folder = mountDrive(root, 'RPI-RP2', INFO);
    expect(await appeared).toEqual({
      folder,
      info: expect.objectContaining({ model: 'Raspberry Pi RP2', boardId: 'RPI-RP2' }) as unknown,
    });
    expect((await watcher.list()).map((drive) => drive.folder)).toEqual([folder]);
    const disappeared = next((listener) => watcher.onDisappear(listener));
    rmSync(folder, { recursive: true });
    expect((await disappeared).folder).toBe(folder);
    expect(await watcher.list()).toEqual([]);
  });

  it('treats a configured folder that holds INFO_UF2.TXT itself as a drive', async () => {
    const temp = makeTempDir('fieldline-drive-self-');
    cleanups.push(() => temp.remove());
    writeFileSync(join(temp.path, 'INFO_UF2.TXT'), INFO);
    const watcher = new FolderDriveWatcher({
      folders: [temp.path],
      includeSystemMounts: false,
      logger: recordingLogger(),
    });
    cleanups.push(() => watcher.close());
    expect((await watcher.list()).map((drive) => drive.folder)).toEqual([temp.path]);
  });

  it('skips a drive with a malformed INFO_UF2.TXT, logging the reason once, and ignores folders without one', async () => {
    const { root, watcher, logger } = setUp();
    mountDrive(root, 'BROKEN', 'UF2 Bootloader v1\r\nnot a field\r\n');
    mkdirSync(join(root, 'PHOTOS'));
    const good = mountDrive(root, 'GOOD', INFO);
    expect((await watcher.list()).map((drive) => drive.folder)).toEqual([good]);
    await watcher.list();
    const skips = logger.warnings.filter((warning) => warning.message.includes('malformed'));
    expect(skips).toHaveLength(1);
    expect(skips[0]?.fields).toMatchObject({
      folder: join(root, 'BROKEN'),
      reason: expect.stringContaining('line 2') as unknown,
    });
  });

  it('writes files with fsync and reads them back; refuses names that leave the drive', async () => {
    const { root } = setUp();
    const folder = mountDrive(root, 'RPI-RP2', INFO);
    const files = new DriveFiles();
    const bytes = Uint8Array.from({ length: 200_000 }, (_, index) => index & 0xff);
    await files.writeFile(folder, 'firmware.uf2', bytes);
    expect(await files.readFile(folder, 'firmware.uf2')).toEqual(bytes);
    await expect(files.writeFile(folder, '../escape.uf2', bytes)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(files.readFile(join(root, 'GONE'), 'CURRENT.UF2')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(files.writeFile(folder, 'x.uf2', bytes, AbortSignal.abort())).rejects.toMatchObject({
      code: 'CANCELLED',
    });
  });
});
