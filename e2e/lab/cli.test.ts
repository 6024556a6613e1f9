import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { SerialportPorts } from '../../main/adapters/serial/serialport-ports';
import { echo } from '../../main/core/drivers/smp/os-commands';
import { SerialSmpTransport } from '../../main/core/drivers/smp/serial-smp-transport';
import { SmpClient } from '../../main/core/drivers/smp/smp-client';
import { UdpSmpTransport } from '../../main/core/drivers/smp/udp-smp-transport';
import { isProcessAlive, waitForProcessGroupExit } from './process-liveness';
import type { UsbLabAddress } from './running-dfu-device';
import type { LabDeviceAddress } from './running-smp-device';
import type { DriveLabAddress } from './running-uf2-device';
import { NodeDatagramNetwork } from '../../main/adapters/udp/node-datagram-network';

const repositoryRoot = resolve(import.meta.dirname, '../..');
type ReadyLine = {
  ready: true;
  advertised: boolean;
  stationEnv: { FIELDLINE_SERIAL_GLOBS: string; FIELDLINE_DRIVE_FOLDERS: string };
  devices: ((LabDeviceAddress | UsbLabAddress | DriveLabAddress) & {
    name: string;
    family: string;
    stateDir: string;
  })[];
};

describe('npm run lab (e2e/lab/cli.ts)', () => {
  let folder = '';
  let child: ChildProcess | undefined;
  afterAll(async () => {
    if (child?.exitCode === null && child.pid) process.kill(-child.pid, 'SIGKILL');
    await rm(folder, { recursive: true, force: true });
  });

  it('starts the demo scenario, says where each device is, serves the SMP ones, and leaves nothing running after SIGTERM', async () => {
    folder = await mkdtemp(join(tmpdir(), 'fieldline-lab-cli-'));
    const tsx = join(repositoryRoot, 'node_modules/.bin/tsx');
    // Its own process group, so the test can check that no member (tsx, node, socat) outlives it.
    child = spawn(
      tsx,
      ['e2e/lab/cli.ts', '--scenario', 'e2e/lab/scenarios/demo.yaml', '--state-dir', folder, '--json'],
      {
        cwd: repositoryRoot,
        detached: true,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const exited = new Promise<number | null>((resolveExit) =>
      child!.once('exit', (code) => resolveExit(code)),
    );
    const ready = await firstJsonLine(child);
    const serial = ready.devices.find((device) => device.kind === 'serial');
    const udp = ready.devices.find((device) => device.kind === 'udp');
    if (serial?.kind !== 'serial' || udp?.kind !== 'udp')
      throw new Error(`unexpected devices: ${JSON.stringify(ready)}`);
    expect(serial.stateDir).toBe(join(folder, 'sensor-serial-1', 'state'));
    // mDNS advertising sends multicast: off unless --advertise or the scenario asks (README.md).
    expect(ready.advertised).toBe(false);
    expect(ready.devices.find((device) => device.kind === 'usb')).toMatchObject({
      name: 'bootloader-dfu-1',
      family: 'dfu',
      bus: 'lab-virtual',
      address: '1-1',
      mode: 'dfu',
      serialNumber: 'FL-LAB-0003',
    });
    const drive = ready.devices.find((device) => device.kind === 'drive');
    expect(drive).toMatchObject({
      name: 'drive-uf2-1',
      family: 'uf2',
      folder: join(folder, 'drives', 'FLDLAB-UF2'),
      serialNumber: 'FL-LAB-0004',
    });
    expect(ready.stationEnv).toEqual({
      FIELDLINE_SERIAL_GLOBS: join(folder, '*', 'pty', 'app'),
      FIELDLINE_DRIVE_FOLDERS: join(folder, 'drives'),
    });
    expect(existsSync(join(folder, 'drives', 'FLDLAB-UF2', 'INFO_UF2.TXT'))).toBe(true);

    const port = await new SerialportPorts().open(serial.path, { baudRate: serial.baudRate });
    const serialClient = new SmpClient(new SerialSmpTransport(port));
    await expect(echo(serialClient, 'via cli')).resolves.toBe('via cli');
    serialClient.dispose();
    await port.close();

    const socket = await new NodeDatagramNetwork().bind({ address: '127.0.0.1' });
    const udpClient = new SmpClient(new UdpSmpTransport(socket, { address: udp.address, port: udp.port }));
    await expect(echo(udpClient, 'via udp')).resolves.toBe('via udp');
    udpClient.dispose();
    await socket.close();

    process.kill(child.pid!, 'SIGTERM');
    expect(await exited).toBe(0);
    expect(isProcessAlive(serial.socatPid)).toBe(false);
    expect(await waitForProcessGroupExit(child.pid!)).toBe(true);
    // Stopping unmounts the drive: a station watching the folder sees it go.
    expect(existsSync(join(folder, 'drives', 'FLDLAB-UF2'))).toBe(false);
  });
});

function firstJsonLine(child: ChildProcess): Promise<ReadyLine> {
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
