import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readBootloaderInfo } from '../../main/core/drivers/smp/os-commands';
import { SmpClient } from '../../main/core/drivers/smp/smp-client';
import { UdpSmpTransport } from '../../main/core/drivers/smp/udp-smp-transport';
import { startLab, type RunningLab } from './lab-runner';
import { isProcessAlive } from './process-liveness';
import { loadScenario, parseScenario } from './scenario';
import { NodeDatagramNetwork } from '../../main/adapters/udp/node-datagram-network';

describe('startLab: scenario fields reach the devices', () => {
  let folder = '';
  let lab: RunningLab | undefined;
  afterEach(async () => {
    await lab?.stop();
    await rm(folder, { recursive: true, force: true });
  });

  it('gives the demo gateway MCUboot no-downgrade, reported over SMP', async () => {
    folder = await mkdtemp(join(tmpdir(), 'fieldline-lab-runner-'));
    lab = await startLab(await loadScenario(resolve(import.meta.dirname, 'scenarios/demo.yaml')), folder);
    const gateway = lab.devices.find((device) => device.name === 'gateway-udp-1')!;
    if (gateway.address.kind !== 'udp') throw new Error('expected a UDP device');
    const socket = await new NodeDatagramNetwork().bind({ address: '127.0.0.1' });
    const client = new SmpClient(new UdpSmpTransport(socket, gateway.address));
    await expect(readBootloaderInfo(client)).resolves.toMatchObject({ isNoDowngrade: true });
    client.dispose();
    await socket.close();
  });

  it('hands each device its fault plan, and stops every socat', async () => {
    folder = await mkdtemp(join(tmpdir(), 'fieldline-lab-runner-'));
    lab = await startLab(await loadScenario(resolve(import.meta.dirname, 'scenarios/faults.yaml')), folder);
    const [serial, udp] = lab.devices.map((device) => {
      if (device.family !== 'smp') throw new Error(`expected SMP devices only, got ${device.family}`);
      return device;
    });
    expect(serial!.device.config.faults?.unplug).toMatchObject({ atPercent: 40 });
    expect(serial!.device.linkFaults.isActive).toBe(true);
    expect(udp!.device.config.faults?.stopAnswering).toMatchObject({ afterRequests: 500 });
    const socatPid = serial!.address.kind === 'serial' ? serial!.address.socatPid : -1;
    await lab.stop();
    lab = undefined;
    expect(isProcessAlive(socatPid)).toBe(false);
  });

  it('plugs the demo DFU device into the lab bus and mounts the UF2 drive under <state>/drives; stop removes both', async () => {
    folder = await mkdtemp(join(tmpdir(), 'fieldline-lab-runner-'));
    lab = await startLab(await loadScenario(resolve(import.meta.dirname, 'scenarios/demo.yaml')), folder);
    const [dfu, uf2] = [lab.devices[2], lab.devices[3]];
    if (dfu?.family !== 'dfu' || uf2?.family !== 'uf2')
      throw new Error('expected the demo DFU and UF2 devices');
    expect(dfu.address).toEqual({
      kind: 'usb',
      bus: 'lab-virtual',
      address: '1-1',
      vendorId: 0x1209,
      productId: 0x0001,
      mode: 'dfu',
      serialNumber: 'FL-LAB-0003',
    });
    expect(await lab.usbBus.list()).toMatchObject([
      { address: '1-1', serialNumber: 'FL-LAB-0003', productId: 1 },
    ]);
    expect(lab.driveRoot).toBe(join(folder, 'drives'));
    expect(uf2.address).toEqual({
      kind: 'drive',
      folder: join(folder, 'drives', 'FLDLAB-UF2'),
      mountRoot: join(folder, 'drives'),
      isMounted: true,
      serialNumber: 'FL-LAB-0004',
    });
    expect(await readFile(join(uf2.address.folder, 'INFO_UF2.TXT'), 'utf8')).toContain('Serial: FL-LAB-0004');
    await lab.stop();
    lab = undefined;
    expect(existsSync(join(folder, 'drives', 'FLDLAB-UF2'))).toBe(false);
    expect(dfu.device.faults).toEqual([]);
    expect(uf2.device.faults).toEqual([]);
  });

  it('maps DFU and UF2 scenario fields onto the devices, and gives unnamed USB ports the lowest free ones', async () => {
    folder = await mkdtemp(join(tmpdir(), 'fieldline-lab-runner-'));
    const scenario = parseScenario(
      [
        'name: mapping',
        'devices:',
        '  - { name: a, family: dfu, serialNumber: A, usbPort: 1-1, manifestationTolerant: false, strictAboutEarlyPolls: true, faults: { unplugAfterBytes: 4096 } }',
        '  - { name: b, family: dfu, serialNumber: B, transferSizeBytes: 2048 }',
        '  - { name: c, family: uf2, malformedInfo: true, flashBytes: 65536 }',
      ].join('\n'),
      join(folder, 'mapping.yaml'),
    );
    lab = await startLab(scenario, folder);
    const [a, b, c] = lab.devices;
    if (a?.family !== 'dfu' || b?.family !== 'dfu' || c?.family !== 'uf2')
      throw new Error('unexpected families');
    expect(a.device.config).toMatchObject({
      isManifestationTolerant: false,
      isStrictAboutEarlyPolls: true,
      faults: { unplugAfterBytes: 4096 },
    });
    expect(b.device.config).toMatchObject({ transferSizeBytes: 2048, isManifestationTolerant: true });
    expect([a.address.address, b.address.address]).toEqual(['1-1', '1-2']);
    expect(c.device.config).toMatchObject({ hasMalformedInfo: true, flashBytes: 65536, volumeLabel: 'C' });
    expect(c.device.config.serialNumber).toBeUndefined();
  });
});
