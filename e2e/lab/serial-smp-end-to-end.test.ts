import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImageState } from '../../main/core/drivers/smp/image-commands';
import { uploadImage } from '../../main/core/drivers/smp/image-upload';
import { echo, readMcumgrParams } from '../../main/core/drivers/smp/os-commands';
import { SerialSmpTransport } from '../../main/core/drivers/smp/serial-smp-transport';
import { SmpClient } from '../../main/core/drivers/smp/smp-client';
import type { SerialPort } from '../../main/core/ports/serial-port';
import { SerialportPorts } from '../../main/adapters/serial/serialport-ports';
import { SMP_DEVICE_DEFAULTS } from './devices/smp/smp-device-config';
import { testImage } from './devices/smp/smp-lab-device-fixture';
import { startSerialSmpDevice, type RunningSmpDevice } from './running-smp-device';
import { isProcessAlive } from './process-liveness';

/**
 * The serial path end to end (architecture.md: "The serial path should be the real one end to end"):
 * a lab device on a socat pty, opened by the real `serialport` adapter, driven by the SMP client.
 */
describe('SMP over a real serial port (pty) to a lab device', () => {
  let folder: string;
  let lab: RunningSmpDevice;
  let port: SerialPort;
  let client: SmpClient;
  let socatPid = -1;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'fieldline-serial-e2e-'));
    const config = {
      ...SMP_DEVICE_DEFAULTS,
      name: 'e2e-serial',
      serialNumber: 'E2E-0001',
      stateDir: join(folder, 'state'),
      bufSizeBytes: 1024,
    };
    lab = await startSerialSmpDevice(config, join(folder, 'pty'), {
      baudRate: 921_600,
      printsBootBanner: true,
    });
    if (lab.address.kind !== 'serial') throw new Error('expected a serial device');
    socatPid = lab.address.socatPid;
    port = await new SerialportPorts().open(lab.address.path, { baudRate: 921_600 });
    client = new SmpClient(new SerialSmpTransport(port), { maxInFlight: 2, timeoutMs: 5_000 });
  });

  afterAll(async () => {
    client?.dispose();
    await port?.close();
    await lab?.stop();
    await rm(folder, { recursive: true, force: true });
    expect(isProcessAlive(socatPid)).toBe(false);
  });

  it('echoes through console framing', async () => {
    await expect(echo(client, 'hello over a pty')).resolves.toBe('hello over a pty');
  });

  it('reads mcumgr params', async () => {
    await expect(readMcumgrParams(client)).resolves.toEqual({ bufSizeBytes: 1024, bufCount: 4 });
  });

  it('reads the image state of the factory image', async () => {
    const [primary] = await readImageState(client);
    expect(primary).toMatchObject({ slot: 0, version: '1.0.0', isActive: true, isConfirmed: true });
    expect(primary!.hash).toHaveLength(32);
  });

  it('uploads a small image in multi-frame packets, pipelined, and the device holds it byte for byte', async () => {
    const image = testImage('1.1.0', 12_000);
    const { bufSizeBytes, bufCount } = await readMcumgrParams(client);
    await uploadImage(client, image, { deviceBufSizeBytes: bufSizeBytes, maxInFlight: bufCount - 1 });
    expect(await lab.device.store.readSlot(1)).toEqual(image);
    const slots = await readImageState(client);
    expect(slots[1]).toMatchObject({ slot: 1, version: '1.1.0' });
    expect(lab.device.drops).toEqual({ bufferFull: 0, oversize: 0, whileResetting: 0 });
  });
});
