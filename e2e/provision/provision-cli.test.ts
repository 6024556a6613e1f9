import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEvent, ProvisionPlan } from '../../shared/contract';
import { secretDigest } from '../../main/core/config/secret-values';
import { EXIT } from '../../main/host/cli/exit-codes';
import { applyRecipeCommand } from '../../main/host/cli/apply-command';
import type { RecipeCommandOptions } from '../../main/host/cli/recipe-session';
import { makeTempDir } from '../../main/test-support/temp-dir';
import { isProcessAlive } from '../lab/process-liveness';
import { FlashRig } from '../flash/flash-lab-rig';
import { EXAMPLE_FIRMWARE_VERSION } from './example-recipe-bundle';
import { captureCli, cli, copyExampleRecipe, dataAtRest, offlineCaForTests } from './provision-fixture';

const PASSWORD = 'correct horse battery';

/** `fieldline plan` then `fieldline apply` with the example recipe against a lab device on a pty. */
describe('fieldline plan and apply (example recipe, lab device on a pty)', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let rig: FlashRig;
  let recipePath: string;
  let dataDir: string;
  let portPath: string;

  beforeAll(async () => {
    dir = makeTempDir('fieldline-provision-');
    dataDir = join(dir.path, 'data');
    recipePath = await copyExampleRecipe(dir.path);
    rig = await FlashRig.start({ transport: 'serial', baudRate: 921_600, config: { serialNumber: 'FL-RIG-0001' } });
    if (rig.endpoint.kind !== 'serial') throw new Error('serial rig expected');
    portPath = rig.endpoint.path;
  });

  afterAll(async () => {
    const pids = rig?.socatPids ?? [];
    expect(rig?.device.faults ?? []).toEqual([]);
    await rig?.stop();
    dir?.remove();
    for (const pid of pids) expect(isProcessAlive(pid)).toBe(false);
  });

  const flags = (extra: string[] = []): string[] => ['--recipe', recipePath, '--device', portPath, '--baud', '921600', ...extra];
  const plan = async (extra: string[] = []): Promise<ProvisionPlan> => {
    const run = await cli(['--data-dir', dataDir, 'plan', ...flags(extra), '--json']);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: EXIT.ok, stderr: '' });
    return (run.lines[0] as { plan: ProvisionPlan }).plan;
  };
  const apply = (set: string[], extra: Partial<RecipeCommandOptions> = {}) =>
    captureCli((streams) =>
      applyRecipeCommand(
        { isJson: true, ...streams },
        dataDir,
        { recipe: recipePath, device: portPath, baud: '921600', set, mdns: false, serial: false, ...extra },
        new AbortController().signal,
        offlineCaForTests(),
      ),
    );

  it('plans every difference, writes nothing, then applies as one operation and records config.applied', async () => {
    const before = await plan(['--set', `wifiPassword=${PASSWORD}`]);
    expect(before.firmware).toMatchObject({ action: 'install', summary: `install ${EXAMPLE_FIRMWARE_VERSION} (device runs 1.0.0)` });
    expect(before.certificate).toMatchObject({ action: 'enroll', status: 'none', expectedSubject: 'O=Fieldline, OU=lab, CN=FL-RIG-0001' });
    expect(before.settings.map((setting) => [setting.name, setting.status])).toEqual([
      ['net/hostname', 'absent'],
      ['app/site', 'absent'],
      ['app/report_s', 'absent'],
      ['wifi/ssid', 'absent'],
      ['wifi/psk', 'absent'],
    ]);
    expect(before.variables.find((variable) => variable.name === 'hostname')).toMatchObject({
      value: 'lab-sensor-0001',
      source: 'allocator',
      allocation: { counter: 1, isNew: true },
    });
    expect(before.variables.find((variable) => variable.name === 'reportSeconds')).toMatchObject({ value: '120', source: 'device-table' });
    expect(before.inputs.deviceTable).toMatchObject({ line: 3 });
    // Plan writes nothing: no setting on the device, no allocation or operation in the ledger.
    expect(rig.device.settings.size).toBe(0);
    expect(await dataAtRest(dataDir)).not.toMatch(/config\.allocated|operation\.started/);

    const run = await apply([`wifiPassword=${PASSWORD}`]);
    expect({ code: run.code, stderr: run.stderr, error: (run.lines.at(-1) as { operation?: { error?: unknown } }).operation?.error }).toEqual({
      code: EXIT.ok,
      stderr: '',
      error: null,
    });
    const result = run.lines.at(-1) as { state: string; operation: { steps: { name: string; state: string }[] }; configApplied: LedgerEvent };
    expect(result.state).toBe('succeeded');
    expect(result.operation.steps.map((step) => [step.name, step.state])).toEqual([
      ['flash', 'done'],
      ['enroll', 'done'],
      ['configure', 'done'],
      ['verify', 'done'],
    ]);
    expect(run.lines.some((line) => line.event === 'operation' && JSON.stringify(line).includes('"unit":"bytes"'))).toBe(true);

    // The settings read back from the lab device (saved, not only in RAM) are the recipe's.
    const saved = await rig.device.store.readSavedSettings();
    const text = (name: string): string | undefined => (saved.has(name) ? Buffer.from(saved.get(name)!).toString('utf8') : undefined);
    expect(Object.fromEntries(['net/hostname', 'app/site', 'app/report_s', 'wifi/ssid', 'wifi/psk'].map((name) => [name, text(name)]))).toEqual({
      'net/hostname': 'lab-sensor-0001',
      'app/site': 'lab-berlin',
      'app/report_s': '120',
      'wifi/ssid': 'fieldline-lab',
      'wifi/psk': PASSWORD,
    });
    expect((await rig.device.bootloader.readSlot(0))?.versionText).toBe(EXAMPLE_FIRMWARE_VERSION);

    const applied = result.configApplied;
    const recipeHash = createHash('sha256').update(await readFile(recipePath)).digest('hex');
    expect(applied.type).toBe('config.applied');
    expect(applied.payload).toMatchObject({
      recipe: { name: 'lab-sensor', version: '1.0.0', contentSha256: recipeHash },
      firmware: { version: EXAMPLE_FIRMWARE_VERSION },
    });
    const recorded = (applied.payload as { settings: { name: string; digest?: string }[] }).settings;
    expect(recorded.find((setting) => setting.name === 'net/hostname')).toEqual({ name: 'net/hostname', isSecret: false, value: 'lab-sensor-0001' });
    expect(recorded.find((setting) => setting.name === 'wifi/psk')).toEqual({
      name: 'wifi/psk',
      isSecret: true,
      digest: secretDigest(applied.deviceId!, PASSWORD),
    });
    expect(JSON.stringify(run.lines)).not.toContain(PASSWORD);
    expect(await dataAtRest(dataDir)).not.toContain(PASSWORD);

    const again = await plan(['--set', `wifiPassword=${PASSWORD}`]);
    expect(again.isUpToDate).toBe(true);
    expect(again.firmware.summary).toBe(`up to date (${EXAMPLE_FIRMWARE_VERSION})`);
    expect(again.certificate.status).toBe('ok');
    expect(again.settings.map((setting) => setting.summary)).toEqual(Array(5).fill('up to date'));
    expect(again.variables.find((variable) => variable.name === 'hostname')?.allocation).toEqual({ counter: 1, isNew: false });
    const textPlan = await cli(['--data-dir', dataDir, 'plan', ...flags(['--set', `wifiPassword=${PASSWORD}`])]);
    expect(textPlan.stdout).toMatch(/up to date: apply has nothing to write/);
    expect(textPlan.stdout).not.toContain(PASSWORD);
  });

  it('refuses a missing bundle, a missing or duplicate CSV row and a bad value before anything is written (exit 4)', async () => {
    const settingsBefore = JSON.stringify([...(await rig.device.store.readSavedSettings())]);
    const refusedWith = (run: Awaited<ReturnType<typeof apply>>): string => {
      expect(run.code).toBe(EXIT.refusedBeforeWrite);
      return (JSON.parse(run.stderr) as { error: { code: string; message: string } }).error.code;
    };
    const otherCsv = join(dir.path, 'other.csv');
    await writeFile(otherCsv, 'serial,reportSeconds\nFL-LAB-0009,30\n');
    expect(refusedWith(await apply([`wifiPassword=${PASSWORD}`], { csv: otherCsv }))).toBe('DEVICE_TABLE_INVALID');
    const duplicateCsv = join(dir.path, 'duplicate.csv');
    await writeFile(duplicateCsv, 'serial,reportSeconds\nFL-RIG-0001,30\nFL-RIG-0001,40\n');
    const duplicate = await apply([`wifiPassword=${PASSWORD}`], { csv: duplicateCsv });
    expect(refusedWith(duplicate)).toBe('DEVICE_TABLE_INVALID');
    expect(duplicate.stderr).toMatch(/lines 2 and 3 are both for serial FL-RIG-0001/);
    expect(refusedWith(await apply(['wifiPassword=short']))).toBe('RECIPE_VALUE_INVALID');
    const broken = join(dir.path, 'recipe', 'broken.yaml');
    await writeFile(broken, (await readFile(recipePath, 'utf8')).replace('lab-sensor-2.1.0.fwb', 'missing.fwb'));
    const missing = await apply([`wifiPassword=${PASSWORD}`], { recipe: broken });
    expect(refusedWith(missing)).toBe('RECIPE_INVALID');
    expect(missing.stderr).toMatch(/bundle: the bundle .*missing\.fwb is missing/);
    expect(JSON.stringify([...(await rig.device.store.readSavedSettings())])).toBe(settingsBefore);
  });

  it('never lets a secret reach the plan, the output, the logs or the ledger (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 8, maxLength: 40, unit: 'grapheme-ascii' }), async (secret) => {
        const atRest = await dataAtRest(dataDir);
        const forms = [secret, JSON.stringify(secret).slice(1, -1)];
        // A string the data folder already holds (a hash fragment, a word) proves nothing.
        fc.pre(forms.every((form) => !atRest.includes(form)) && !secret.startsWith('-'));
        const planned = await cli(['--data-dir', dataDir, 'plan', ...flags(['--set', `wifiPassword=${secret}`]), '--json']);
        const run = await apply([`wifiPassword=${secret}`]);
        expect({ code: run.code, state: (run.lines.at(-1) as { state?: string }).state }).toEqual({ code: EXIT.ok, state: 'succeeded' });
        expect(Buffer.from((await rig.device.store.readSavedSettings()).get('wifi/psk')!).toString('utf8')).toBe(secret);
        const everything = [planned.stdout, planned.stderr, run.stdout, run.stderr, await dataAtRest(dataDir)].join('\n');
        for (const form of forms) expect(everything).not.toContain(form);
      }),
      { numRuns: 6 },
    );
  });
});
