import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from './scenario';

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

  it('reports YAML that does not parse, with the file name', async () => {
    const path = await write('broken.yaml', 'name: [unclosed\n');
    await expect(loadScenario(path)).rejects.toThrow(path);
  });
});
