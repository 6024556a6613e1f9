import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../main/host/cli/run-cli';
import { EXIT } from '../../main/host/cli/exit-codes';
import { makeTempDir } from '../../main/test-support/temp-dir';
import { isProcessAlive } from '../lab/process-liveness';
import { failEchoWhenRunning, runningHash } from './flash-harness';
import { FlashRig } from './flash-lab-rig';
import { labBundle, writeLabBundle } from './flash-test-bundle';
import { flashTargetOf } from './flash-test-images';

const BIN = fileURLToPath(new URL('../../bin/fieldline.mjs', import.meta.url));

interface CliRun {
  code: number;
  lines: Record<string, unknown>[];
  stderr: string;
}

/** `fieldline flash` in-process (as run-cli.test.ts does) against a lab device on a pty. */
async function cli(args: string[]): Promise<CliRun> {
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

describe('fieldline flash', () => {
  let dir: ReturnType<typeof makeTempDir> | undefined;
  let rig: FlashRig | undefined;

  afterEach(async () => {
    const pids = rig?.socatPids ?? [];
    expect(rig?.device.faults ?? []).toEqual([]);
    await rig?.stop();
    rig = undefined;
    dir?.remove();
    for (const pid of pids) expect(isProcessAlive(pid)).toBe(false);
  });

  async function setUp(): Promise<{ device: FlashRig; portPath: string; dataDir: string }> {
    dir = makeTempDir('fieldline-flash-cli-');
    rig = await FlashRig.start({ transport: 'serial', baudRate: 921_600 });
    const endpoint = rig.endpoint;
    if (endpoint.kind !== 'serial') throw new Error('serial rig expected');
    return { device: rig, portPath: endpoint.path, dataDir: `${dir.path}/data` };
  }

  const flashArgs = (dataDir: string, bundle: string, portPath: string): string[] => [
    '--data-dir',
    dataDir,
    'flash',
    '--bundle',
    bundle,
    '--device',
    portPath,
    '--baud',
    '921600',
    '--json',
  ];

  it('streams JSON-lines progress and a verified result, exit 0', async () => {
    const { device, portPath, dataDir } = await setUp();
    const bundle = await writeLabBundle(dir!.path, 'app.fwb', { version: '2.0.0', bodyBytes: 120_000 });
    const run = await cli(flashArgs(dataDir, bundle, portPath));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(EXIT.ok);
    expect(
      run.lines.some((line) => line.event === 'progress' && typeof line.etaSeconds !== 'undefined'),
    ).toBe(true);
    expect(
      run.lines.filter((line) => line.event === 'job').map((line) => (line.job as { step: string }).step),
    ).toContain('health-check');
    const result = run.lines.at(-1)!;
    const running = await runningHash(device);
    expect(result).toMatchObject({
      event: 'result',
      state: 'succeeded',
      firmwareEvent: 'firmware.flashed',
      evidence: { verifiedHash: running },
    });
    expect((await device.device.bootloader.readSlot(0))?.versionText).toBe('2.0.0');
  });

  it('exits 4 when the bundle is refused for the device, 5 when the new image is reverted, 2 on a usage error', async () => {
    const { device, portPath, dataDir } = await setUp();
    const wrong = await writeLabBundle(dir!.path, 'wrong.fwb', {
      version: '2.0.0',
      hardwareId: 'acme-gateway',
    });
    const refused = await cli(flashArgs(dataDir, wrong, portPath));
    expect(refused.code).toBe(EXIT.refusedBeforeWrite);
    expect(refused.lines.at(-1)).toMatchObject({
      state: 'failed',
      job: { error: { code: 'BUNDLE_WRONG_HARDWARE', step: 'verify-bundle' } },
    });

    const bad = labBundle({ version: '3.0.0' });
    failEchoWhenRunning(device, flashTargetOf(bad.image, '3.0.0'));
    const badPath = await writeLabBundle(dir!.path, 'bad.fwb', { version: '3.0.0' });
    const reverted = await cli(flashArgs(dataDir, badPath, portPath));
    expect(reverted.code).toBe(EXIT.reverted);
    expect(reverted.lines.at(-1)).toMatchObject({ state: 'reverted', firmwareEvent: 'firmware.reverted' });

    expect((await cli(['flash', '--device', portPath])).code).toBe(EXIT.usage);
  });

  it('survives SIGKILL of the CLI mid-upload: the next run resumes the same job and ends it exactly once', async () => {
    const { device, portPath, dataDir } = await setUp();
    const bundle = await writeLabBundle(dir!.path, 'big.fwb', { version: '2.5.0', bodyBytes: 300_000 });
    const child = spawn(process.execPath, [BIN, ...flashArgs(dataDir, bundle, portPath)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // Kill it as soon as it reports upload progress past a third of the image.
    await new Promise<void>((resolve, reject) => {
      let buffered = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        for (const line of buffered.split('\n').slice(0, -1)) {
          const parsed = JSON.parse(line) as { event?: string; bytesDone?: number; totalBytes?: number };
          if (parsed.event === 'progress' && parsed.bytesDone! > parsed.totalBytes! / 3) resolve();
        }
        buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
      });
      void exited.then(() => reject(new Error('the CLI exited before it was killed')));
    });
    child.kill('SIGKILL');
    await exited;

    const again = await cli(flashArgs(dataDir, bundle, portPath));
    expect({ code: again.code, last: again.lines.at(-1), stderr: again.stderr }).toMatchObject({
      code: EXIT.ok,
    });
    const db = new Database(`${dataDir}/ledger.db`, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const rows = db
        .prepare(
          "SELECT type, payload FROM events WHERE type LIKE 'job.%' OR type LIKE 'firmware.%' ORDER BY station_seq",
        )
        .all() as { type: string; payload: string }[];
      const jobIds = new Set(rows.map((row) => (JSON.parse(row.payload) as { jobId: string }).jobId));
      expect(jobIds.size).toBe(1);
      const types = rows.map((row) => row.type);
      expect(types.filter((type) => type === 'job.started')).toHaveLength(1);
      expect(types.filter((type) => type === 'job.resumed')).toHaveLength(1);
      expect(types.filter((type) => ['job.succeeded', 'job.failed', 'job.cancelled'].includes(type))).toEqual(
        ['job.succeeded'],
      );
      expect(types.filter((type) => type === 'firmware.flashed')).toHaveLength(1);
    } finally {
      db.close();
    }
    expect((await device.device.bootloader.readSlot(0))?.versionText).toBe('2.5.0');
  });
});
