import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { EXIT } from '../../main/host/cli/exit-codes';
import { runCli } from '../../main/host/cli/run-cli';
import { makeTempDir } from '../../main/test-support/temp-dir';
import { Uf2LabDrive } from '../lab/devices/uf2/uf2-lab-drive';
import { LAB_UF2_HARDWARE_ID, labUf2Bundle, rawFirmware } from './flash-test-bundle';

/** `fieldline flash --device <drive folder> --json` (run in-process, as run-cli.test.ts does) on the lab UF2 drive. */
describe('fieldline flash on a UF2 drive', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function cli(
    args: string[],
  ): Promise<{ code: number; lines: Record<string, unknown>[]; stderr: string }> {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const code = await runCli(args, { stdout, stderr }, new AbortController().signal);
    const lines = out
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    return { code, lines, stderr: err };
  }

  it('flashes the drive given by its folder (exit 0, verified by CURRENT.UF2) and exits 4 for another board', async () => {
    const dir = makeTempDir('fieldline-uf2-cli-');
    cleanups.push(() => dir.remove());
    const lab = await Uf2LabDrive.start({
      mountRoot: join(dir.path, 'media'),
      stateDir: join(dir.path, 'state'),
      serialNumber: 'FL-UF2-CLI-1',
      bootTimeMs: 100,
    });
    cleanups.push(async () => {
      await lab.stop();
      expect(lab.faults).toEqual([]);
    });
    const firmware = rawFirmware(4_096, 5);
    const good = join(dir.path, 'good.fwb');
    writeFileSync(good, labUf2Bundle({ version: '2.1.0', firmware, hardwareId: LAB_UF2_HARDWARE_ID }));
    const args = (bundle: string): string[] => [
      '--data-dir',
      join(dir.path, 'data'),
      'flash',
      '--bundle',
      bundle,
      '--device',
      lab.folder,
      '--json',
    ];

    const run = await cli(args(good));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(EXIT.ok);
    expect(run.lines.at(-1)).toMatchObject({
      event: 'result',
      state: 'succeeded',
      job: { deviceId: 'serial:FL-UF2-CLI-1', address: `uf2-drive:${lab.folder}` },
      firmwareEvent: 'firmware.flashed',
      evidence: { protocol: 'uf2', verifiedHash: createHash('sha256').update(firmware).digest('hex') },
    });
    expect(lab.completedCopies).toBe(1);

    const other = join(dir.path, 'other.fwb');
    writeFileSync(other, labUf2Bundle({ version: '2.2.0', firmware, hardwareId: 'SAMD21-Other-v2' }));
    const refused = await cli(args(other));
    expect(refused.code).toBe(EXIT.refusedBeforeWrite);
    expect(refused.lines.at(-1)).toMatchObject({
      state: 'failed',
      job: { error: { code: 'BUNDLE_WRONG_HARDWARE', step: 'verify-bundle' } },
    });
    expect(lab.completedCopies).toBe(1);
  });
});
