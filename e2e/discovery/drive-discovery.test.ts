import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { deviceSchema, type EventPayload } from '../../shared/contract';
import { buildUf2File } from '../../main/core/drivers/uf2/uf2-file-builder';
import { silentLogger } from '../../main/core/ports/logger';
import { openStationRuntime, type StationRuntime } from '../../main/host/runtime';
import { DRIVE_FOLDERS_ENV } from '../../main/host/start-drive-discovery';
import { waitForProcessGroupExit } from '../lab/process-liveness';
import type { DriveLabAddress } from '../lab/running-uf2-device';
import { eventually, recordingLogger, type LogLine } from './discovery-harness';

const repositoryRoot = resolve(import.meta.dirname, '../..');
const BIN = join(repositoryRoot, 'bin/fieldline.mjs');

/** Three drives: one a station can list, one without a serial line, one whose INFO_UF2.TXT is broken. */
const SCENARIO = `name: drives
devices:
  - { name: good, family: uf2, serialNumber: FL-UF2-0500, volumeLabel: GOOD, bootTimeMs: 300 }
  - { name: anonymous, family: uf2, volumeLabel: NOSERIAL }
  - { name: broken, family: uf2, serialNumber: FL-UF2-0501, volumeLabel: BROKEN, malformedInfo: true }
`;

interface LabProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
  driveFolders: string;
  drives: Map<string, DriveLabAddress>;
}

/**
 * UF2 drive discovery across processes, as a technician runs it: `npm run lab` in one process makes the
 * drives (folders under `<state>/drives`), and the station finds them through FIELDLINE_DRIVE_FOLDERS.
 */
describe('drive discovery of the lab UF2 drives from another process', () => {
  let folder = '';
  let lab: LabProcess | undefined;
  let runtime: StationRuntime | undefined;
  afterEach(async () => {
    await runtime?.close();
    runtime = undefined;
    if (lab?.child.exitCode === null && lab.child.pid !== undefined) process.kill(-lab.child.pid, 'SIGKILL');
    lab = undefined;
    await rm(folder, { recursive: true, force: true });
  });

  async function startLabProcess(): Promise<LabProcess> {
    folder = await mkdtemp(join(tmpdir(), 'fieldline-drive-discovery-'));
    const scenarioPath = join(folder, 'drives.yaml');
    await writeFile(scenarioPath, SCENARIO);
    // Its own process group, so that nothing it started can outlive the test.
    const child = spawn(
      join(repositoryRoot, 'node_modules/.bin/tsx'),
      ['e2e/lab/cli.ts', '--scenario', scenarioPath, '--state-dir', join(folder, 'lab'), '--json'],
      { cwd: repositoryRoot, detached: true, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise<number | null>((resolveExit) =>
      child.once('exit', (code) => resolveExit(code)),
    );
    const ready = await readyLine(child);
    const drives = new Map(
      ready.devices.flatMap((device) => (device.kind === 'drive' ? [[device.name, device] as const] : [])),
    );
    lab = { child, exited, driveFolders: ready.stationEnv.FIELDLINE_DRIVE_FOLDERS, drives };
    return lab;
  }

  it('lists the drive with transport drive, rides out a reboot after a copy, skips the bad ones with a reason, and drops it when the lab stops', async () => {
    const { child, exited, driveFolders, drives } = await startLabProcess();
    const log: LogLine[] = [];
    const changes: EventPayload<'devices:changed'>[] = [];
    runtime = await openStationRuntime({
      dataDir: join(folder, 'station'),
      host: 'station',
      logger: recordingLogger(log),
      enableMdns: false,
      enableSerialDiscovery: false,
      enableUsbDiscovery: false,
      driveFolders: [driveFolders],
      watchSystemMounts: false,
    });
    runtime.onEvent((name, payload) => {
      if (name === 'devices:changed') changes.push(payload as EventPayload<'devices:changed'>);
    });
    const good = drives.get('good')!.folder;
    const listed = await eventually(
      () => runtime!.core.devices.list().find((device) => device.id === 'serial:FL-UF2-0500'),
      'the good drive',
    );
    expect(listed).toMatchObject({
      serial: 'FL-UF2-0500',
      model: 'Fieldline Lab RP2040',
      state: 'new',
      sightings: [{ transport: 'drive', address: good }],
    });
    // The broken one is skipped by the watcher, which says why; the one without a serial is not listed, with a reason.
    const skipped = await eventually(
      () => log.find((line) => line.message.includes('INFO_UF2.TXT is malformed')),
      'the malformed drive to be skipped',
    );
    expect(skipped.fields).toMatchObject({
      folder: drives.get('broken')!.folder,
      reason: expect.stringContaining('line 2') as unknown,
    });
    expect(
      log.find((line) => line.level === 'warn' && line.message.includes('without a serial line'))?.fields,
    ).toMatchObject({ folder: drives.get('anonymous')!.folder });
    expect(runtime.core.registry.list().map((device) => device.id)).toEqual(['serial:FL-UF2-0500']);

    // Flash it: the lab (in its process) takes the copy, the drive vanishes and comes back 300 ms later.
    const reports = (): number =>
      log.filter(
        (line) => line.message === 'UF2 drive reported' && line.fields.deviceId === 'serial:FL-UF2-0500',
      ).length;
    expect(reports()).toBe(1);
    const firmware = Uint8Array.from({ length: 4096 }, (_, index) => (index * 7) & 0xff);
    const uf2 = buildUf2File(firmware, { familyId: 0xe48bff56, baseAddress: 0x1000_0000 });
    await writeFile(join(good, 'firmware.uf2'), uf2);
    await eventually(() => (reports() === 2 ? true : undefined), 'the drive to come back after its reboot');
    expect(log.filter((line) => line.message === 'UF2 drive reported lost')).toHaveLength(1);
    expect(runtime.core.registry.get('serial:FL-UF2-0500')?.sightings).toMatchObject([
      { transport: 'drive', address: good },
    ]);
    expect(changes.flatMap((change) => change.removedIds)).toEqual([]);

    // The lab stops: every drive is unmounted; past the grace period the device is gone from the list.
    process.kill(child.pid!, 'SIGTERM');
    expect(await exited).toBe(0);
    expect(await waitForProcessGroupExit(child.pid!)).toBe(true);
    await eventually(
      () => (changes.some((change) => change.removedIds.includes('serial:FL-UF2-0500')) ? true : undefined),
      'the drive to be removed',
    );
    expect(runtime.core.registry.list()).toEqual([]);
    // The ledger keeps it; live discovery no longer sees it anywhere.
    expect(runtime.core.devices.list()).toMatchObject([{ id: 'serial:FL-UF2-0500', sightings: [] }]);
  });

  it(`lists the drive from \`fieldline devices --wait\` in a third process, given ${DRIVE_FOLDERS_ENV}`, async () => {
    const { driveFolders, drives } = await startLabProcess();
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [
        BIN,
        '--data-dir',
        join(folder, 'cli'),
        '--json',
        'devices',
        '--wait',
        '1.5',
        '--no-mdns',
        '--no-serial',
      ],
      { env: { ...process.env, [DRIVE_FOLDERS_ENV]: driveFolders } },
    );
    expect(stderr).toBe('');
    const devices = stdout
      .trim()
      .split('\n')
      .map((line) => deviceSchema.parse(JSON.parse(line)));
    expect(devices).toMatchObject([
      {
        id: 'serial:FL-UF2-0500',
        serial: 'FL-UF2-0500',
        lastAction: 'device.discovered',
        sightings: [{ transport: 'drive', address: drives.get('good')!.folder }],
      },
    ]);
  });

  it('refuses a relative drive folder with INVALID_INPUT before starting anything', async () => {
    folder = await mkdtemp(join(tmpdir(), 'fieldline-drive-discovery-'));
    await expect(
      openStationRuntime({
        dataDir: join(folder, 'station'),
        host: 'station',
        logger: silentLogger,
        enableMdns: false,
        enableSerialDiscovery: false,
        enableUsbDiscovery: false,
        driveFolders: ['lab/drives'],
      }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('lab/drives') as unknown,
    });
  });
});

type ReadyDevice = { name: string } & ({ kind: 'serial' | 'udp' | 'usb' } | DriveLabAddress);
type ReadyLine = { stationEnv: { FIELDLINE_DRIVE_FOLDERS: string }; devices: ReadyDevice[] };

function readyLine(child: ChildProcess): Promise<ReadyLine> {
  return new Promise((resolveLine, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (!line.startsWith('{')) return;
      lines.close();
      resolveLine(JSON.parse(line) as ReadyLine);
    });
    child.once('exit', (code) => reject(new Error(`lab exited with ${code} before it was ready`)));
  });
}
