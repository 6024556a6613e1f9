import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { AppError } from '../../shared/errors';
import { loadScenario, parseScenario } from './scenario';

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

  it('loads the demo scenario with one serial and one UDP SMP device, filling defaults', async () => {
    const scenario = await loadScenario(resolve(import.meta.dirname, 'scenarios/demo.yaml'));
    expect(scenario.devices.map((device) => [device.name, device.transport.kind])).toEqual([
      ['sensor-serial-1', 'serial'],
      ['gateway-udp-1', 'udp'],
    ]);
    expect(scenario.devices[0]!.transport).toMatchObject({ baudRate: 115_200, bitsPerByte: 10 });
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
    const [serial, udp] = scenario.devices;
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
          'dfu.yaml',
          'name: x\ndevices:\n  - { name: a, family: dfu, serialNumber: S, transport: { kind: udp } }\n',
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
            family: fc.constantFrom('smp', 'dfu'),
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
