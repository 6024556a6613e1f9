import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { uploadImage } from '../../main/core/drivers/smp/image-upload';
import { SmpClient } from '../../main/core/drivers/smp/smp-client';
import { UdpSmpTransport } from '../../main/core/drivers/smp/udp-smp-transport';
import type { DatagramSocket } from '../../main/core/ports/datagram';
import { SMP_DEVICE_DEFAULTS } from './devices/smp/smp-device-config';
import { testImage } from './devices/smp/smp-lab-device-fixture';
import { faultPlanSchema, type FaultPlanInput } from './faults/fault-plan';
import { startUdpSmpDevice, type RunningSmpDevice } from './running-smp-device';
import { NodeDatagramNetwork } from '../../main/adapters/udp/node-datagram-network';

/** Faults on SMP over UDP loopback (protocols.md §1), seeded so every run sees the same ones. */
describe('SMP over UDP with scenario faults', () => {
  let folder = '';
  let lab: RunningSmpDevice | undefined;
  let socket: DatagramSocket | undefined;
  let client: SmpClient | undefined;

  afterEach(async () => {
    client?.dispose();
    await socket?.close();
    expect(lab?.device.faults).toEqual([]);
    await lab?.stop();
    await rm(folder, { recursive: true, force: true });
  });

  async function start(faults: FaultPlanInput): Promise<RunningSmpDevice> {
    folder = await mkdtemp(join(tmpdir(), 'fieldline-udp-faults-'));
    lab = await startUdpSmpDevice(
      {
        ...SMP_DEVICE_DEFAULTS,
        name: 'faulty-udp',
        serialNumber: 'FAULT-UDP-1',
        stateDir: folder,
        faults: faultPlanSchema.parse(faults),
      },
      { addedRoundTripMs: 2 },
    );
    if (lab.address.kind !== 'udp') throw new Error('expected a UDP device');
    socket = await new NodeDatagramNetwork().bind({ address: '127.0.0.1' });
    client = new SmpClient(
      new UdpSmpTransport(socket, { address: lab.address.address, port: lab.address.port }),
      {
        maxInFlight: 3,
        timeoutMs: 150,
      },
    );
    return lab;
  }

  it('survives dropped, duplicated and mangled datagrams both ways', async () => {
    const running = await start({
      seed: 5,
      drop: { rate: 0.05, packets: [3] },
      duplicate: { rate: 0.05, packets: [5, 6, 9] },
      corrupt: { rate: 0.05, packets: [7] },
    });
    const image = testImage('4.0.0', 50_000);
    await uploadImage(client!, image, { deviceBufSizeBytes: 2048, maxInFlight: 3, maxSilentRetries: 8 });
    expect(await running.device.store.readSlot(1)).toEqual(image);
    for (const direction of ['to-device', 'from-device'] as const)
      for (const kind of ['drop', 'duplicate', 'corrupt'] as const)
        expect(running.device.linkFaults.counts[direction][kind]).toBeGreaterThanOrEqual(1);
  });

  it('resumes from the device offset once a device that went away at 50% is back on its port', async () => {
    const running = await start({ unplug: { atPercent: 50, downMs: 1500 } });
    const states: string[] = [];
    const replugged = new Promise<void>((resolve) =>
      running.onLink((state) => {
        states.push(state);
        if (state === 'replugged') resolve();
      }),
    );
    const image = testImage('4.1.0', 60_000);
    const options = { deviceBufSizeBytes: 2048, maxInFlight: 3, maxSilentRetries: 2 };
    await expect(uploadImage(client!, image, options)).rejects.toMatchObject({
      code: 'DEVICE_NOT_RESPONDING',
    });
    await replugged;
    const result = await uploadImage(client!, image, options);
    expect(result.resumedFromBytes).toBeGreaterThanOrEqual(0.5 * image.length);
    expect(await running.device.store.readSlot(1)).toEqual(image);
    expect(states).toEqual(['unplugged', 'replugged']);
  });
});
