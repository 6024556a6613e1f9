import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readBootloaderInfo } from '../../main/core/drivers/smp/os-commands';
import { SmpClient } from '../../main/core/drivers/smp/smp-client';
import { UdpSmpTransport } from '../../main/core/drivers/smp/udp-smp-transport';
import { startLab, type RunningLab } from './lab-runner';
import { isProcessAlive } from './process-liveness';
import { loadScenario } from './scenario';
import { NodeDatagramNetwork } from './transports/node-datagram-network';

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
    const [serial, udp] = lab.devices;
    expect(serial!.device.config.faults?.unplug).toMatchObject({ atPercent: 40 });
    expect(serial!.device.linkFaults.isActive).toBe(true);
    expect(udp!.device.config.faults?.stopAnswering).toMatchObject({ afterRequests: 500 });
    const socatPid = serial!.address.kind === 'serial' ? serial!.address.socatPid : -1;
    await lab.stop();
    lab = undefined;
    expect(isProcessAlive(socatPid)).toBe(false);
  });
});
