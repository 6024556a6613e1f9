import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  confirmRunningImage,
  markImageForTest,
  readImageState,
} from '../../main/core/drivers/smp/image-commands';
import { uploadImage } from '../../main/core/drivers/smp/image-upload';
import { echo, readMcumgrParams, resetDevice } from '../../main/core/drivers/smp/os-commands';
import { SmpClient } from '../../main/core/drivers/smp/smp-client';
import { UdpSmpTransport } from '../../main/core/drivers/smp/udp-smp-transport';
import type { DatagramSocket } from '../../main/core/ports/datagram';
import { SMP_DEVICE_DEFAULTS } from './devices/smp/smp-device-config';
import { testImage } from './devices/smp/smp-lab-device-fixture';
import { startUdpSmpDevice, type RunningSmpDevice } from './running-smp-device';
import { NodeDatagramNetwork } from '../../main/adapters/udp/node-datagram-network';

/** SMP over UDP on 127.0.0.1 (protocols.md §1, "UDP transport") against a lab device, with added latency. */
describe('SMP over UDP loopback to a lab device', () => {
  let folder: string;
  let lab: RunningSmpDevice;
  let socket: DatagramSocket;
  let client: SmpClient;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'fieldline-udp-e2e-'));
    const config = {
      ...SMP_DEVICE_DEFAULTS,
      name: 'e2e-udp',
      serialNumber: 'E2E-UDP-1',
      stateDir: folder,
      resetDelayMs: 10,
      bootTimeMs: 10,
    };
    lab = await startUdpSmpDevice(config, { addedRoundTripMs: 5 });
    if (lab.address.kind !== 'udp') throw new Error('expected a UDP device');
    socket = await new NodeDatagramNetwork().bind({ address: '127.0.0.1' });
    const transport = new UdpSmpTransport(
      socket,
      { address: lab.address.address, port: lab.address.port },
      { mtuBytes: config.bufSizeBytes },
    );
    client = new SmpClient(transport, { maxInFlight: 3 });
  });

  afterAll(async () => {
    client?.dispose();
    await socket?.close();
    await lab?.stop();
    await rm(folder, { recursive: true, force: true });
  });

  it('echoes and reads params', async () => {
    await expect(echo(client, 'udp')).resolves.toBe('udp');
    await expect(readMcumgrParams(client)).resolves.toEqual({ bufSizeBytes: 2048, bufCount: 4 });
  });

  it('uploads, tests, resets into and confirms a new image', async () => {
    const image = testImage('2.0.0', 40_000);
    await uploadImage(client, image, { deviceBufSizeBytes: 2048, maxInFlight: 3 });
    const slots = await readImageState(client);
    await markImageForTest(client, slots[1]!.hash);
    const booted = new Promise<void>((resolve) => lab.device.onBoot(() => resolve()));
    await resetDevice(client);
    await booted;
    expect((await readImageState(client))[0]).toMatchObject({ version: '2.0.0', isConfirmed: false });
    await confirmRunningImage(client);
    expect((await readImageState(client))[0]).toMatchObject({
      version: '2.0.0',
      isConfirmed: true,
      isActive: true,
    });
  });
});
