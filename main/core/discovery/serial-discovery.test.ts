import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { ManualClock } from '../../test-support/manual-clock';
import { silentLogger, type Logger } from '../ports/logger';
import { DeviceRegistry } from './device-registry';
import { FakeSerialPorts, fakeSmpDevice } from './fake-serial-ports';
import { SerialDiscovery, type SerialDiscoveryOptions } from './serial-discovery';

const IDENTITY = { hwid: Uint8Array.of(0xab, 0x01), serial: 'FAKE-1', model: 'fake-model' };
let discovery: SerialDiscovery | undefined;
afterEach(async () => {
  await discovery?.stop();
});

function setup(options: SerialDiscoveryOptions = {}, logger: Logger = silentLogger) {
  const clock = new ManualClock(0);
  const registry = new DeviceRegistry(clock, 1_000);
  const ports = new FakeSerialPorts();
  discovery = new SerialDiscovery(ports, registry, logger, {
    pollIntervalMs: 5,
    probe: { requestTimeoutMs: 30 },
    clock,
    ...options,
  });
  return { clock, registry, ports, discovery };
}

async function until<T>(read: () => T | undefined | false): Promise<T> {
  for (let tries = 0; tries < 1_000; tries += 1) {
    const value = read();
    if (value !== undefined && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('condition never held');
}

describe('SerialDiscovery', () => {
  it('identifies an SMP device by its identity group, fills in firmware and model, and closes the port', async () => {
    const { registry, ports, discovery } = setup();
    ports.listed = [{ path: '/dev/ttyACM0', vendorId: '2fe3', serialNumber: 'USB-SN' }];
    ports.devices.set('/dev/ttyACM0', fakeSmpDevice(IDENTITY));
    discovery.start();
    const device = await until(() => registry.list()[0]);
    expect(device).toMatchObject({
      id: 'hwid:AB01',
      hardwareId: 'ab01',
      serial: 'FAKE-1',
      model: 'fake-model',
      firmwareVersion: '2.1.0',
    });
    expect(ports.closeCount).toBe(ports.openCount);
  });

  it('falls back to the USB serial number and the board name when the device has no identity group', async () => {
    const { registry, ports, discovery } = setup();
    ports.listed = [{ path: '/dev/ttyACM1', vendorId: '2fe3', serialNumber: 'USB-SN' }];
    ports.devices.set('/dev/ttyACM1', fakeSmpDevice());
    discovery.start();
    expect(await until(() => registry.list()[0])).toMatchObject({
      id: 'serial:USB-SN',
      hardwareId: null,
      model: 'fake-board',
    });
  });

  it('keeps an SMP device with no identifier at all out of the list, and does not probe it again', async () => {
    const { registry, ports, discovery } = setup();
    ports.listed = [{ path: '/tmp/lab/app' }];
    ports.devices.set('/tmp/lab/app', fakeSmpDevice());
    discovery.start();
    await until(() => discovery.status()[0]?.phase === 'anonymous');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(registry.list()).toEqual([]);
    expect(ports.openCount).toBe(1);
  });

  it('never has more ports open than the cap, and closes every one', async () => {
    const { ports, discovery } = setup({ maxConcurrentProbes: 2, firstRetryDelayMs: 60_000 });
    ports.listed = Array.from({ length: 5 }, (_, index) => ({ path: `/dev/ttyUSB${index}` }));
    discovery.start();
    await until(
      () =>
        discovery.status().every((status) => status.phase === 'unidentified') &&
        discovery.status().length === 5,
    );
    expect(ports.maxOpenAtOnce).toBe(2);
    expect(ports.closeCount).toBe(5);
    expect(discovery.status().map((status) => status.reason)).toEqual(
      Array(5).fill('silent: no answer to SMP echo (2 tries)'),
    );
  });

  it('probes an unidentified port again after a doubling backoff', async () => {
    const { clock, ports, discovery } = setup({ firstRetryDelayMs: 1_000 });
    ports.listed = [{ path: '/dev/ttyUSB0' }];
    discovery.start();
    await until(() => discovery.status()[0]?.phase === 'unidentified');
    clock.advance(999);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(discovery.status()[0]?.attempts).toBe(1);
    clock.advance(1);
    await until(
      () => discovery.status()[0]?.attempts === 2 && discovery.status()[0]?.phase === 'unidentified',
    );
    clock.advance(1_999);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(discovery.status()[0]?.attempts).toBe(2);
  });

  it('cancels the probe of a port that leaves the list, reports nothing for it, and closes it', async () => {
    const { registry, ports, discovery } = setup({ probe: { requestTimeoutMs: 10_000 } });
    ports.listed = [{ path: '/dev/ttyUSB0' }];
    discovery.start();
    await until(() => discovery.status()[0]?.phase === 'probing');
    ports.listed = [];
    await until(() => ports.closeCount === 1);
    expect(discovery.status()).toEqual([]);
    expect(registry.list()).toEqual([]);
  });

  it('reports a device lost when its port leaves the list; the registry drops it after its grace period', async () => {
    const { clock, registry, ports, discovery } = setup();
    ports.listed = [{ path: '/dev/ttyACM0' }];
    ports.devices.set('/dev/ttyACM0', fakeSmpDevice(IDENTITY));
    discovery.start();
    await until(() => registry.list()[0]);
    ports.listed = [];
    await until(() => discovery.status().length === 0);
    clock.advance(1_000);
    registry.expire();
    expect(registry.list()).toEqual([]);
  });

  it('logs a failing port list once and keeps polling', async () => {
    const warnings: string[] = [];
    const logger: Logger = {
      ...silentLogger,
      warn: (_fields, message) => warnings.push(message),
      child: () => logger,
    };
    const { ports, discovery } = setup({}, logger);
    ports.listError = new AppError('INTERNAL', 'udevadm missing');
    discovery.start();
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(warnings).toEqual(['could not list serial ports; keeping the last known ones']);
    ports.listError = null;
    ports.listed = [{ path: '/dev/ttyACM0' }];
    await until(() => discovery.status().length === 1);
  });

  it('stops with no port left open, even mid-probe', async () => {
    const { ports, discovery } = setup({ probe: { requestTimeoutMs: 10_000 } });
    ports.listed = [{ path: '/dev/ttyUSB0' }, { path: '/dev/ttyUSB1' }];
    discovery.start();
    await until(() => ports.openCount === 2);
    await discovery.stop();
    expect(ports.closeCount).toBe(2);
  });
});
