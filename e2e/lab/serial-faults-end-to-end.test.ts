import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SerialportPorts } from '../../main/adapters/serial/serialport-ports';
import { uploadImage } from '../../main/core/drivers/smp/image-upload';
import { SerialSmpTransport } from '../../main/core/drivers/smp/serial-smp-transport';
import { SmpClient } from '../../main/core/drivers/smp/smp-client';
import type { SerialPort } from '../../main/core/ports/serial-port';
import { SMP_DEVICE_DEFAULTS } from './devices/smp/smp-device-config';
import { testImage } from './devices/smp/smp-lab-device-fixture';
import { faultPlanSchema, type FaultPlanInput } from './faults/fault-plan';
import { isProcessAlive } from './process-liveness';
import { startSerialSmpDevice, type RunningSmpDevice } from './running-smp-device';

const BAUD = 921_600;

/**
 * Faults on the serial path end to end: a lab device behind socat, the real serialport adapter, the SMP
 * client. Every fault is seeded (fault-plan.ts), so each run sees the same misbehaviour.
 */
describe('SMP over a real pty with scenario faults', () => {
  let folder = '';
  let lab: RunningSmpDevice | undefined;
  const socatPids: number[] = [];
  const open: { port: SerialPort; client: SmpClient }[] = [];

  afterEach(async () => {
    for (const { port, client } of open.splice(0)) {
      client.dispose();
      await port.close();
    }
    expect(lab?.device.faults).toEqual([]);
    await lab?.stop();
    lab = undefined;
    await rm(folder, { recursive: true, force: true });
    for (const pid of socatPids.splice(0)) expect(isProcessAlive(pid)).toBe(false);
  });

  async function startDevice(faults: FaultPlanInput, usbLatencyTimerMs = 0): Promise<RunningSmpDevice> {
    folder = await mkdtemp(join(tmpdir(), 'fieldline-serial-faults-'));
    const config = {
      ...SMP_DEVICE_DEFAULTS,
      name: 'faulty-serial',
      serialNumber: 'FAULT-0001',
      stateDir: join(folder, 'state'),
      bufSizeBytes: 1024,
      faults: faultPlanSchema.parse(faults),
    };
    const running = await startSerialSmpDevice(config, join(folder, 'pty'), {
      baudRate: BAUD,
      printsBootBanner: true,
      usbLatencyTimerMs,
    });
    lab = running;
    return running;
  }

  async function connect(running: RunningSmpDevice) {
    if (running.address.kind !== 'serial') throw new Error('expected a serial device');
    socatPids.push(running.address.socatPid);
    const port = await new SerialportPorts().open(running.address.path, { baudRate: BAUD });
    const transport = new SerialSmpTransport(port);
    const client = new SmpClient(transport, { maxInFlight: 2, timeoutMs: 300 });
    const connection = { port, client, transportFaults: 0 };
    transport.onFault(() => (connection.transportFaults += 1));
    open.push(connection);
    return connection;
  }

  it('survives dropped, duplicated and corrupted frames both ways, console noise, and a 16 ms latency timer', async () => {
    const running = await startDevice(
      {
        seed: 11,
        drop: { rate: 0.03, packets: [4] },
        duplicate: { rate: 0.03, packets: [6] },
        corrupt: { rate: 0.03, packets: [8] },
        consoleNoise: { rate: 0.2 },
      },
      16,
    );
    const connection = await connect(running);
    const image = testImage('3.0.0', 24_000);
    await uploadImage(connection.client, image, {
      deviceBufSizeBytes: 1024,
      maxInFlight: 2,
      maxSilentRetries: 8,
    });
    expect(await running.device.store.readSlot(1)).toEqual(image);
    const counts = running.device.linkFaults.counts;
    for (const direction of ['to-device', 'from-device'] as const) {
      expect(counts[direction].drop).toBeGreaterThanOrEqual(1);
      expect(counts[direction].duplicate).toBeGreaterThanOrEqual(1);
      expect(counts[direction].corrupt).toBeGreaterThanOrEqual(1);
    }
    expect(counts.noiseLines).toBeGreaterThan(0);
    // The app's decoder saw the damaged answers and dropped them (a typed fault each), then resynchronised.
    expect(connection.transportFaults).toBeGreaterThanOrEqual(counts['from-device'].corrupt);
  });

  it('resumes an upload from the device offset after the cable is pulled at 40% and plugged back', async () => {
    const running = await startDevice({ unplug: { atPercent: 40, downMs: 300 } });
    const replugged = new Promise<void>((resolve) =>
      running.onLink((state) => state === 'replugged' && resolve()),
    );
    const first = await connect(running);
    const image = testImage('3.1.0', 40_000);
    const options = { deviceBufSizeBytes: 1024, maxInFlight: 2, maxSilentRetries: 8 };
    await expect(uploadImage(first.client, image, options)).rejects.toMatchObject({
      code: 'TRANSPORT_CLOSED',
    });
    await replugged;

    const second = await connect(running);
    const result = await uploadImage(second.client, image, options);
    expect(result.resumedFromBytes).toBeGreaterThanOrEqual(0.4 * image.length);
    expect(await running.device.store.readSlot(1)).toEqual(image);
    expect(running.device.faultSchedule.counts.unplugs).toBe(1);
  });
});
