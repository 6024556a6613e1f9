import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../shared/contract';
import { LINUX_USB_DEVICES } from '../../main/adapters/usb/usb-module-loader';
import { flashOverDfu } from '../../main/core/drivers/dfu/flash-over-dfu';
import { silentLogger } from '../../main/core/ports/logger';
import { openStationRuntime, type StationRuntime } from '../../main/host/runtime';
import { startLab, type RunningLab } from '../lab/lab-runner';
import { parseScenario } from '../lab/scenario';
import { eventually, recordingLogger, type LogLine } from './discovery-harness';

const imageOf = (length: number, seed: number) =>
  Uint8Array.from({ length }, (_, index) => (index * seed + (index >> 8)) & 0xff);

/**
 * USB discovery as the hosts run it: the station runtime watching the lab's virtual USB bus (passed in
 * as `usbBus`, since the bus lives in this process), and on the real libusb adapter on this machine,
 * which has no USB bus.
 */
describe('USB discovery in the station runtime', () => {
  let folder = '';
  let lab: RunningLab | undefined;
  let runtime: StationRuntime | undefined;
  afterEach(async () => {
    await runtime?.close();
    runtime = undefined;
    const devices = lab?.devices ?? [];
    await lab?.stop();
    lab = undefined;
    for (const device of devices) expect(device.device.faults).toEqual([]);
    await rm(folder, { recursive: true, force: true });
  });

  async function open(scenarioYaml: string, options: { serial?: boolean } = {}) {
    folder = await mkdtemp(join(tmpdir(), 'fieldline-usb-discovery-'));
    lab = await startLab(parseScenario(scenarioYaml, join(folder, 'scenario.yaml')), join(folder, 'lab'));
    const changes: EventPayload<'devices:changed'>[] = [];
    runtime = await openStationRuntime({
      dataDir: join(folder, 'station'),
      host: 'station',
      logger: silentLogger,
      enableMdns: false,
      enableDriveDiscovery: false,
      enableSerialDiscovery: options.serial === true,
      serialGlobs: [join(folder, 'lab', '*', 'pty', 'app')],
      usbBus: lab.usbBus,
    });
    runtime.onEvent((name, payload) => {
      if (name === 'devices:changed') changes.push(payload as EventPayload<'devices:changed'>);
    });
    return { lab, runtime, changes };
  }

  it('lists a lab DFU device with transport usb, and keeps it one device across DFU ↔ run-time re-enumeration', async () => {
    const { lab, runtime, changes } = await open(
      'name: usb\ndevices:\n  - { name: dfu-1, family: dfu, serialNumber: FL-USB-0100, transferSizeBytes: 512 }\n',
    );
    const registry = runtime.core.registry;
    const listed = await eventually(() => registry.get('serial:FL-USB-0100') ?? undefined, 'the DFU device');
    expect(listed).toMatchObject({
      serial: 'FL-USB-0100',
      model: 'Fieldline Lab DFU Bootloader',
      sightings: [{ transport: 'usb', address: '1-1', protocol: 'dfu' }],
    });
    expect(runtime.core.devices.list()).toMatchObject([
      { id: 'serial:FL-USB-0100', sightings: [{ transport: 'usb', address: '1-1' }] },
    ]);

    // Bootloader → download → bus reset → application (PID 0x0002, same serial, new device number).
    await flashOverDfu(lab.usbBus, 'FL-USB-0100', imageOf(3000, 13), { logger: silentLogger });
    const inRuntime = await eventually(() => {
      const device = registry.get('serial:FL-USB-0100');
      return device?.sightings[0]?.protocol === 'runtime' ? device : undefined;
    }, 'the application to be seen');
    expect(inRuntime).toMatchObject({ model: 'Fieldline Lab Sensor', sightings: [{ address: '1-1' }] });
    // From the application: DFU_DETACH, bootloader, download, back to the application — two more round trips.
    await flashOverDfu(lab.usbBus, 'FL-USB-0100', imageOf(5000, 29), { logger: silentLogger });
    await eventually(
      () => (registry.get('serial:FL-USB-0100')?.sightings[0]?.protocol === 'runtime' ? true : undefined),
      'the application again',
    );
    // Past the registry's grace period (3 s) with the runtime's housekeeping running: still one entry.
    await new Promise((resolve) => setTimeout(resolve, 3_300));
    expect(registry.list()).toMatchObject([
      { id: 'serial:FL-USB-0100', sightings: [{ transport: 'usb', address: '1-1', protocol: 'runtime' }] },
    ]);
    expect(changes.flatMap((change) => change.removedIds)).toEqual([]);
    expect(runtime.core.ledger.deviceHistory('serial:FL-USB-0100').map((event) => event.type)).toEqual([
      'device.discovered',
    ]);
  });

  it('merges a unit seen over SMP on a serial port and over USB (same serial number) into one entry', async () => {
    const { runtime } = await open(
      [
        'name: merge',
        'devices:',
        '  - { name: smp-1, family: smp, serialNumber: FL-UNIT-0200, hardwareId: 0200beef, transport: { kind: serial } }',
        '  - { name: dfu-1, family: dfu, serialNumber: FL-UNIT-0200 }',
      ].join('\n'),
      { serial: true },
    );
    const device = await eventually(() => {
      const listed = runtime.core.registry.list();
      return listed.length === 1 && listed[0]!.sightings.length === 2 ? listed[0] : undefined;
    }, 'both sightings on one entry');
    expect(device).toMatchObject({ serial: 'FL-UNIT-0200', hardwareId: '0200beef' });
    expect(device.sightings.map((sighting) => `${sighting.transport}:${sighting.protocol}`).sort()).toEqual([
      'serial:smp',
      'usb:dfu',
    ]);
    expect(runtime.core.devices.list()).toHaveLength(1);
  });

  it.skipIf(existsSync(LINUX_USB_DEVICES))(
    'on the real libusb adapter here (no USB bus): "USB not available" logged once, nothing listed, nothing crashes',
    async () => {
      folder = await mkdtemp(join(tmpdir(), 'fieldline-usb-discovery-'));
      const log: LogLine[] = [];
      runtime = await openStationRuntime({
        dataDir: join(folder, 'station'),
        host: 'station',
        logger: recordingLogger(log),
        enableMdns: false,
        enableSerialDiscovery: false,
        enableDriveDiscovery: false,
      });
      await eventually(
        () => (log.some((line) => line.message.startsWith('USB discovery not running')) ? true : undefined),
        'USB discovery to settle',
      );
      expect(log.filter((line) => line.message === 'USB not available')).toEqual([
        {
          level: 'warn',
          message: 'USB not available',
          fields: { reason: 'no-usb-bus', detail: expect.stringContaining(LINUX_USB_DEVICES) as unknown },
        },
      ]);
      expect(runtime.core.registry.list()).toEqual([]);
    },
  );
});
