import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { SerialportPorts } from '../../main/adapters/serial/serialport-ports';
import { SMP_DEVICE_DEFAULTS } from './devices/smp/smp-device-config';
import { startSerialSmpDevice, type RunningSmpDevice } from './running-smp-device';
import { describeSerialPortContract } from './serial-port-contract';

const hardwarePath = process.env.FIELDLINE_HW_SERIAL;

describe('SerialportPorts against the device lab (socat pty)', () => {
  let folder: string;
  let lab: RunningSmpDevice;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'fieldline-contract-'));
    const config = {
      ...SMP_DEVICE_DEFAULTS,
      name: 'contract',
      serialNumber: 'CONTRACT-1',
      stateDir: join(folder, 'state'),
    };
    lab = await startSerialSmpDevice(config, join(folder, 'pty'), { baudRate: 115_200 });
  });
  afterAll(async () => {
    await lab?.stop();
    await rm(folder, { recursive: true, force: true });
  });
  describeSerialPortContract('lab pty', () => ({
    ports: new SerialportPorts(),
    path: lab.address.kind === 'serial' ? lab.address.path : '',
    baudRate: 115_200,
    hasControlLines: false,
  }));
});

if (hardwarePath) {
  describeSerialPortContract(`real hardware at ${hardwarePath}`, () => ({
    ports: new SerialportPorts(),
    path: hardwarePath,
    baudRate: Number(process.env.FIELDLINE_HW_BAUD ?? 115_200),
    hasControlLines: 'unknown',
  }));
} else {
  describe('SerialPort contract: real hardware', () => {
    it.skip('skipped: set FIELDLINE_HW_SERIAL=/dev/ttyACM0 (an MCUmgr serial device; FIELDLINE_HW_BAUD optional) to run it', () =>
      undefined);
  });
}
