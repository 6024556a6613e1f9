import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { AppError } from '../../shared/errors';
import { loadScenario, parseScenario, type ScenarioDevice, type SmpScenarioDevice } from './scenario';

function smp(device: ScenarioDevice | undefined): SmpScenarioDevice {
  if (device?.family !== 'smp') throw new Error(`expected an SMP device, got ${JSON.stringify(device)}`);
  return device;
}

describe('lab scenarios', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'fieldline-scenario-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  const write = async (name: string, text: string): Promise<string> => {
    const path = join(folder, name);
    await writeFile(path, text);
    return path;
  };

  it('loads the demo scenario with one device of each family, filling defaults', async () => {
    const scenario = await loadScenario(resolve(import.meta.dirname, 'scenarios/demo.yaml'));
    expect(
      scenario.devices.map((device) => [
        device.name,
        device.family === 'smp' ? device.transport.kind : device.family,
      ]),
    ).toEqual([
      ['sensor-serial-1', 'serial'],
      ['gateway-udp-1', 'udp'],
      ['bootloader-dfu-1', 'dfu'],
      ['drive-uf2-1', 'uf2'],
    ]);
    expect(smp(scenario.devices[0]).transport).toMatchObject({ baudRate: 115_200, bitsPerByte: 10 });
    expect(scenario.devices[2]).toMatchObject({ serialNumber: 'FL-LAB-0003', usbPort: '1-1' });
    // YAML hex integers are numbers: the RP2040 family id.
    expect(scenario.devices[3]).toMatchObject({ serialNumber: 'FL-LAB-0004', familyId: 0xe48bff56 });
  });

  it('passes an SMP device\'s crypto-erase capability through, and refuses a non-boolean', async () => {
    const text = (value: string): string =>
      `name: x\ndevices:\n  - { name: s, family: smp, serialNumber: S1, isCryptoErase: ${value}, transport: { kind: udp } }\n`;
    const scenario = await loadScenario(await write('purge.yaml', text('true')));
    expect(smp(scenario.devices[0]).isCryptoErase).toBe(true);
    await expect(loadScenario(await write('purge-bad.yaml', text('"yes"')))).rejects.toThrow(/isCryptoErase/);
  });

  it('validates DFU and UF2 devices: wrong fields named, ports and volume labels unique, "drives" reserved', async () => {
    const bad = await write(
      'bad-usb.yaml',
      [
        'name: x',
        'devices:',
        '  - { name: d, family: dfu, serialNumber: S, usbPort: "2-1", transferSizeBytes: 0, faults: { corruptStatus: { onPollNumber: 0, kind: x } } }',
        '  - { name: u, family: uf2, volumeLabel: lower, familyId: -1, transport: { kind: udp } }',
      ].join('\n'),
    );
    const error = (await loadScenario(bad).catch((caught: unknown) => caught)) as Error;
    for (const field of [
      'devices.0.usbPort',
      'devices.0.transferSizeBytes',
      'devices.0.faults.corruptStatus.onPollNumber',
      'devices.1.volumeLabel',
      'devices.1.familyId',
    ])
      expect(error.message).toContain(field);
    expect(error.message).toMatch(/transport/);
    const twoPorts =
      'name: x\ndevices:\n  - { name: a, family: dfu, serialNumber: S, usbPort: 1-2 }\n  - { name: b, family: dfu, serialNumber: T, usbPort: 1-2 }\n';
    await expect(loadScenario(await write('ports.yaml', twoPorts))).rejects.toThrow(
      /usbPort values must be unique/,
    );
    // The default label is the device name in capitals, so it can collide with an explicit one.
    const twoLabels =
      'name: x\ndevices:\n  - { name: a, family: uf2 }\n  - { name: b, family: uf2, volumeLabel: A }\n';
    await expect(loadScenario(await write('labels.yaml', twoLabels))).rejects.toThrow(
      /volume labels must be unique/,
    );
    const reserved = 'name: x\ndevices:\n  - { name: drives, family: uf2 }\n';
    await expect(loadScenario(await write('reserved.yaml', reserved))).rejects.toThrow(/reserved/);
  });

  it('keeps mDNS advertising off unless the scenario asks for it', async () => {
    const scenario = await loadScenario(resolve(import.meta.dirname, 'scenarios/demo.yaml'));
    expect(scenario.advertise).toBe(false);
    expect(scenario.devices[1]).toMatchObject({ noDowngrade: true, firmwareSecurityCounter: 3 });
    const advertised = await write(
      'advertised.yaml',
      'name: x\nadvertise: true\ndevices:\n  - { name: a, family: smp, serialNumber: S, transport: { kind: udp } }\n',
    );
    expect((await loadScenario(advertised)).advertise).toBe(true);
  });

  it('loads the faults scenario with every fault, defaults filled in', async () => {
    const scenario = await loadScenario(resolve(import.meta.dirname, 'scenarios/faults.yaml'));
    const [serial, udp] = scenario.devices.map(smp);
    expect(serial!.transport).toMatchObject({ kind: 'serial', usbLatencyTimerMs: 16 });
    expect(serial!.faults).toMatchObject({
      seed: 7,
      drop: { rate: 0.02, direction: 'both' },
      duplicate: { direction: 'to-device' },
      corrupt: { packets: [10, 11] },
      unplug: { atPercent: 40, downMs: 2000, cutsPower: false, during: 'image' },
    });
    expect(udp!.faults).toMatchObject({
      resetMidTransfer: { atPercent: 70, during: 'image' },
      slowFlash: { atPercent: 30, stallMs: 3000 },
      stopAnswering: { afterRequests: 500, resumeAfterMs: 10000 },
    });
  });

  it('names the wrong fields of a fault plan', async () => {
    const path = await write(
      'bad-faults.yaml',
      'name: x\ndevices:\n  - name: a\n    family: smp\n    serialNumber: S\n    transport: { kind: udp }\n    faults: { drop: { rate: 1.5 }, unplug: { atPercent: -1 }, meteor: true }\n',
    );
    const error = (await loadScenario(path).catch((caught: unknown) => caught)) as Error;
    expect(error.message).toContain('devices.0.faults.drop.rate');
    expect(error.message).toContain('devices.0.faults.unplug.atPercent');
    expect(error.message).toMatch(/meteor/);
  });

  it('names every wrong field', async () => {
    const path = await write(
      'bad.yaml',
      'name: bad\ndevices:\n  - name: Bad Name\n    family: smp\n    serialNumber: X\n    transport: { kind: serial, baudRate: -5 }\n    bufCount: 0\n',
    );
    const error = (await loadScenario(path).catch((caught: unknown) => caught)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toContain('devices.0.name');
    expect(error.message).toContain('devices.0.transport.baudRate');
    expect(error.message).toContain('devices.0.bufCount');
  });

  it('rejects unknown fields, unknown families and duplicate names', async () => {
    await expect(
      loadScenario(await write('extra.yaml', 'name: x\ncolour: red\ndevices: []\n')),
    ).rejects.toThrow(/colour|Unrecognized/);
    await expect(
      loadScenario(
        await write(
          'esp.yaml',
          'name: x\ndevices:\n  - { name: a, family: esp, serialNumber: S, transport: { kind: udp } }\n',
        ),
      ),
    ).rejects.toThrow(/family/);
    const duplicate =
      'name: x\ndevices:\n  - { name: a, family: smp, serialNumber: S, transport: { kind: udp } }\n  - { name: a, family: smp, serialNumber: T, transport: { kind: udp } }\n';
    await expect(loadScenario(await write('dup.yaml', duplicate))).rejects.toThrow(/unique/);
  });

  it('turns any text or YAML value into a scenario or an INVALID_INPUT AppError (property)', () => {
    const demoLike = fc.record({
      name: fc.oneof(fc.string(), fc.constant('x')),
      advertise: fc.anything(),
      devices: fc.array(
        fc.record(
          {
            name: fc.constantFrom('a', 'b', 'Bad'),
            family: fc.constantFrom('smp', 'dfu', 'uf2'),
            usbPort: fc.oneof(fc.constant('1-1'), fc.anything()),
            volumeLabel: fc.oneof(fc.constant('A'), fc.anything()),
            serialNumber: fc.string(),
            transport: fc.oneof(fc.constant({ kind: 'udp' }), fc.anything()),
            faults: fc.oneof(fc.anything(), fc.constant({ drop: { rate: 0.5 } })),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 3 },
      ),
    });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.anything().map((value) => stringify(value)),
          demoLike.map((value) => stringify(value)),
        ),
        (text) => {
          try {
            parseScenario(text, '/tmp/any.yaml');
          } catch (error: unknown) {
            expect(error).toBeInstanceOf(AppError);
            expect((error as AppError).code).toBe('INVALID_INPUT');
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('reports YAML that does not parse, with the file name', async () => {
    const path = await write('broken.yaml', 'name: [unclosed\n');
    await expect(loadScenario(path)).rejects.toThrow(path);
  });
});
