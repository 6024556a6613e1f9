import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePkcs11CaKey, openPkcs11CaSigningKey } from '../../main/adapters/pkcs11/pkcs11-ca-signing-key';
import { toPem } from '../../main/core/identity/certificate-facts';
import { createOfflineCaRequest, issueSubordinateCa } from '../../main/core/identity/subordinate-ca';
import { makeRoot } from '../../main/core/identity/test-support/identity-fixtures';
import { makeTempDir } from '../../main/test-support/temp-dir';
import { FlashRig } from '../flash/flash-lab-rig';
import { createSoftHsmToken, findSoftHsm } from '../identity/softhsm-token';
import { copyExampleRecipe } from '../provision/provision-fixture';
import { launchChromium, openWatchedPage } from '../support/browser';
import { runFieldline, startStationProcess, type StationProcess } from '../support/station-process';

const softHsm = findSoftHsm();
const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const DEVICE_COUNT = 8;
const SUPERVISOR_PIN = '918273';
const OPERATOR_PIN = '4321';
/** Measured on 2 cores: the canary (flash 2.1.0, enroll, five settings, verify) 2–8 s, the other 7 at once 8–10 s. */
const CANARY_TIMEOUT_MS = 120_000;
const LINE_TIMEOUT_MS = 300_000;
const serialOf = (index: number) => `FL-LINE-${String(index).padStart(2, '0')}`;
const wifiPasswordOf = (index: number) => `line-psk-${index}-${'x'.repeat(12)}`;

interface LedgerLine {
  type: string;
  actor: string;
  deviceId: string | null;
  payload: Record<string, unknown>;
}

let dir: ReturnType<typeof makeTempDir>;
let rigs: FlashRig[] = [];
let shippedRecipePath: string;
let lineRecipePath: string;
let station: StationProcess;
let browser: Browser;
let page: Page;
let pageErrors: string[] = [];
/** Every state a port tile was in, from the station's `line:changed` events as the browser received them. */
const seenStates = new Set<string>();
let seenFlashingPercent = false;
let startedMs = 0;

/**
 * The station's offline CA in a fresh SoftHSM2 token, allowed to certify `O=Fieldline, OU=lab` (what
 * the lab-sensor recipe's certificate profile asks for); the key never leaves the token.
 */
async function createLabOfflineCa(folder: string, modulePath: string): Promise<Record<string, string>> {
  const token = await createSoftHsmToken(folder, modulePath, 'line-ca');
  const location = { modulePath, tokenLabel: token.tokenLabel, keyLabel: 'station-ca', pin: token.pin };
  await generatePkcs11CaKey(location);
  const key = await openPkcs11CaSigningKey(location);
  try {
    const root = await makeRoot(Date.now());
    const csrDer = await createOfflineCaRequest(key, 'O=Fieldline, OU=lab, CN=Station line offline CA');
    const ca = await issueSubordinateCa({ csrDer, rootCertificate: root.certificate, rootKey: root.key, permittedSubtrees: ['O=Fieldline, OU=lab'], validityDays: 30, nowMs: Date.now() });
    const chainFile = join(folder, 'offline-ca-chain.pem');
    writeFileSync(chainFile, [ca, root.certificate].map((der) => toPem(der)).join('\n'));
    const pinFile = join(folder, 'token.pin');
    writeFileSync(pinFile, `${token.pin}\n`, { mode: 0o600 });
    return {
      SOFTHSM2_CONF: process.env['SOFTHSM2_CONF'] ?? '',
      FIELDLINE_OFFLINE_CA_CHAIN: chainFile,
      FIELDLINE_OFFLINE_CA_PKCS11_MODULE: modulePath,
      FIELDLINE_OFFLINE_CA_PKCS11_TOKEN: token.tokenLabel,
      FIELDLINE_OFFLINE_CA_PKCS11_KEY: 'station-ca',
      FIELDLINE_OFFLINE_CA_PKCS11_PIN_FILE: pinFile,
    };
  } finally {
    await key.close();
  }
}

/** The lab's ptys under this test's folder (FlashRig follows TMPDIR), so the station's glob sees only these. */
async function startRigsUnder(folder: string): Promise<FlashRig[]> {
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = folder;
  try {
    return await Promise.all(
      Array.from({ length: DEVICE_COUNT }, (_, index) => FlashRig.start({ transport: 'serial', config: { serialNumber: serialOf(index) } })),
    );
  } finally {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
  }
}

/**
 * The line's copy of the example recipe: the same recipe file, with a device table giving every
 * device on the line its Wi-Fi password (a line has nobody to type it) and report interval.
 */
function writeLineDeviceTable(recipePath: string): void {
  const rows = Array.from({ length: DEVICE_COUNT }, (_, index) => `${serialOf(index)},${30 + index},${wifiPasswordOf(index)}`);
  writeFileSync(join(dirname(recipePath), 'devices.csv'), ['serial,reportSeconds,wifiPassword', ...rows, ''].join('\n'));
}

const tiles = () => page.getByRole('list', { name: 'Ports' }).getByRole('group');
const figure = (label: string) => page.getByRole('group', { name: 'Counters' }).getByLabel(new RegExp(`^${label}: `));
const settingsPanel = () => page.getByRole('region', { name: 'Station settings (supervisor)' });

async function enterPin(container: ReturnType<Page['getByRole']>, pin: string): Promise<void> {
  for (const digit of pin) await container.getByRole('button', { name: digit, exact: true }).click();
}

async function supervisorDialog(title: string, pin: string, confirm: string): Promise<ReturnType<Page['getByRole']>> {
  const dialog = page.getByRole('dialog', { name: title });
  await dialog.waitFor();
  await enterPin(dialog, pin);
  await dialog.getByRole('button', { name: confirm, exact: true }).click();
  return dialog;
}

async function ledgerEvents(): Promise<LedgerLine[]> {
  return (await runFieldline(['--data-dir', join(dir.path, 'station'), 'ledger', 'export', '--json']))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as LedgerLine);
}

describe.skipIf('missing' in softHsm)(
  `factory station: 8 lab devices provisioned to a locked recipe${'missing' in softHsm ? ` — skipped: ${softHsm.missing}` : ''}`,
  () => {
    beforeAll(async () => {
      if ('missing' in softHsm) return;
      mkdirSync(ARTIFACTS, { recursive: true });
      dir = makeTempDir('fieldline-e2e-line-recipe-');
      const labRoot = join(dir.path, 'lab');
      const caFolder = join(dir.path, 'ca');
      mkdirSync(labRoot);
      mkdirSync(caFolder);
      shippedRecipePath = await copyExampleRecipe(join(dir.path, 'shipped'));
      lineRecipePath = await copyExampleRecipe(join(dir.path, 'recipes'));
      writeLineDeviceTable(lineRecipePath);
      const caEnv = await createLabOfflineCa(caFolder, softHsm.modulePath);
      rigs = await startRigsUnder(labRoot);
      station = await startStationProcess(join(dir.path, 'station'), {
        args: ['--no-mdns', '--no-usb', '--no-drives'],
        env: { ...caEnv, FIELDLINE_SERIAL_GLOBS: `${labRoot}/fieldline-flash-rig-*/pty/app`, FIELDLINE_RECIPES: join(dir.path, 'recipes') },
      });
      browser = await launchChromium();
      ({ page, errors: pageErrors } = await openWatchedPage(browser, { width: 1600, height: 1100 }));
      page.on('websocket', (socket) =>
        socket.on('framereceived', ({ payload }) => {
          if (typeof payload !== 'string' || !payload.includes('"line:changed"')) return;
          const message = JSON.parse(payload) as { name?: string; payload?: { line?: { ports: { state: string; percent: number | null }[] } } };
          for (const tile of message.payload?.line?.ports ?? []) {
            seenStates.add(tile.state);
            if (tile.state === 'flashing' && tile.percent !== null && tile.percent > 0) seenFlashingPercent = true;
          }
        }),
      );
    }, 180_000);

    afterAll(async () => {
      await browser?.close();
      await station?.stop();
      await Promise.all(rigs.map((rig) => rig.stop()));
      dir?.remove();
    });

    it('sets up a supervisor and an operator; refuses a recipe needing a technician’s value; locks the line’s recipe', async () => {
      await page.goto(`${station.url}#/station`);
      await page.getByRole('heading', { name: 'Station', level: 1 }).waitFor();
      await expect.poll(() => tiles().count(), { timeout: 30_000 }).toBe(DEVICE_COUNT);

      const firstRun = page.getByRole('region', { name: 'Set up the first supervisor' });
      await firstRun.getByLabel('Supervisor name').fill('Sam');
      await firstRun.getByLabel('Supervisor PIN').fill(SUPERVISOR_PIN);
      await firstRun.getByLabel('Repeat the PIN').fill(SUPERVISOR_PIN);
      await firstRun.getByRole('button', { name: 'Create supervisor' }).click();

      await page.getByRole('button', { name: 'Supervisor', exact: true }).click();
      await supervisorDialog('Unlock station settings', SUPERVISOR_PIN, 'Unlock');
      const panel = settingsPanel();
      await panel.getByLabel('Name').fill('Olga');
      await panel.getByLabel('Their PIN').fill(OPERATOR_PIN);
      await panel.getByRole('button', { name: 'Add or update operator' }).click();
      await panel.getByText('Olga can log in now.').waitFor();

      // The example as shipped asks the technician for the Wi-Fi password: refused at the lock, naming it.
      await panel.getByLabel('Recipe file on this station').fill(shippedRecipePath);
      await panel.getByRole('button', { name: 'Lock recipe' }).click();
      await panel.getByText('This recipe needs values a technician would type, and a line has no technician').waitFor();
      await panel.getByText('Technical details').click();
      await panel.getByText(/LINE_RECIPE_NEEDS_INPUT: the recipe lab-sensor@1\.0\.0 needs wifiPassword from a technician/).waitFor();

      // The line's copy, chosen from the station's recipe list (FIELDLINE_RECIPES).
      await panel.getByLabel('Recipe from this station’s list').selectOption(lineRecipePath);
      expect(await panel.getByLabel('Recipe file on this station').inputValue()).toBe(lineRecipePath);
      await panel.getByLabel('Canary devices').fill('1');
      await panel.getByRole('button', { name: 'Lock recipe' }).click();
      await panel.getByText(/Recipe locked/).waitFor();
      await panel.getByRole('button', { name: 'Lock settings' }).click();

      const recipeSha256 = createHash('sha256').update(readFileSync(lineRecipePath)).digest('hex');
      expect(await page.getByTestId('locked-work').textContent()).toBe(`lab-sensor@1.0.0 (sha256 ${recipeSha256.slice(0, 12)}…, firmware 2.1.0)`);
      expect(await page.getByTestId('locked-recipe-hash').textContent()).toContain(recipeSha256);
      await page.getByText('log in to start').first().waitFor();
    }, 60_000);

    it('runs the canary device when the operator logs in, then waits for the supervisor', async () => {
      const login = page.getByRole('region', { name: 'Operator login' });
      await login.getByRole('button', { name: 'Olga' }).click();
      await enterPin(login.getByRole('group', { name: 'PIN for Olga keys' }), OPERATOR_PIN);
      startedMs = Date.now();
      await login.getByRole('button', { name: 'Log in' }).click();
      await page.getByText('Canary passed: waiting for a supervisor').waitFor({ timeout: CANARY_TIMEOUT_MS });
      console.info(`[factory-line-recipe] canary (1 device) provisioned in ${((Date.now() - startedMs) / 1000).toFixed(1)} s`);
      expect(await figure('Passed').textContent()).toBe('1');
      await page.screenshot({ path: `${ARTIFACTS}line-recipe-awaiting-approval.png`, fullPage: true });

      await page.getByRole('button', { name: 'Approve' }).click();
      const dialog = await supervisorDialog('Approve the canary', OPERATOR_PIN, 'Approve');
      await dialog.getByText('This needs a supervisor', { exact: true }).waitFor();
      await enterPin(dialog, SUPERVISOR_PIN);
      await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
      await dialog.waitFor({ state: 'hidden' });
      startedMs = Date.now();
    }, CANARY_TIMEOUT_MS + 30_000);

    it('provisions all 8 devices, showing each phase on the tiles, and counts them right', async () => {
      const ended = async () => Number(await figure('Passed').textContent()) + Number(await figure('Failed').textContent());
      await expect.poll(ended, { timeout: LINE_TIMEOUT_MS, interval: 1_000 }).toBe(DEVICE_COUNT);
      console.info(`[factory-line-recipe] the other ${DEVICE_COUNT - 1} devices provisioned in ${((Date.now() - startedMs) / 1000).toFixed(1)} s`);
      const failures = (await ledgerEvents()).filter((event) => event.type === 'line.run-failed').map((event) => event.payload);
      expect(failures).toEqual([]);
      expect(await figure('Passed').textContent()).toBe(String(DEVICE_COUNT));
      expect(await figure('Failed').textContent()).toBe('0');
      expect(await figure('First-pass yield').textContent()).toBe('100%');
      const states = await Promise.all((await tiles().all()).map((tile) => tile.getAttribute('data-state')));
      expect(states).toEqual(Array(DEVICE_COUNT).fill('pass'));
      expect([...seenStates]).toEqual(expect.arrayContaining(['held', 'flashing', 'enrolling', 'configuring', 'verifying', 'pass']));
      expect(seenStates.has('fail')).toBe(false);
      expect(seenFlashingPercent).toBe(true);
      await page.screenshot({ path: `${ARTIFACTS}line-recipe-all-passed.png`, fullPage: true });
    }, LINE_TIMEOUT_MS + 30_000);

    it('serves the same counts at /metrics', async () => {
      const text = await (await fetch(`${station.origin}/metrics`)).text();
      expect(text).toContain(`fieldline_line_devices_passed_total ${DEVICE_COUNT}`);
      expect(text).toContain('fieldline_line_devices_failed_total 0');
      expect(text).toContain(`fieldline_line_devices_run ${DEVICE_COUNT}`);
      expect(text).toContain('fieldline_line_first_pass_yield 1');
      expect(text).toContain('fieldline_line_state{state="running"} 1');
      expect(text.match(/fieldline_line_port_state\{[^}]*state="pass"\} 1/g)).toHaveLength(DEVICE_COUNT);
    });

    it('recorded, for every device, the run under the operator, its certificate and config.applied with the recipe hash, and no Wi-Fi password', async () => {
      const events = await ledgerEvents();
      const recipeSha256 = createHash('sha256').update(readFileSync(lineRecipePath)).digest('hex');
      const passed = events.filter((event) => event.type === 'line.run-passed');
      expect(passed).toHaveLength(DEVICE_COUNT);
      expect(new Set(passed.map((event) => event.actor))).toEqual(new Set(['Olga']));
      const devices = new Set(passed.map((event) => event.deviceId));
      expect(devices.size).toBe(DEVICE_COUNT);
      for (const deviceId of devices) {
        const own = events.filter((event) => event.deviceId === deviceId);
        expect(own.filter((event) => event.type === 'certificate.enrolled'), `${deviceId} certificate.enrolled`).toHaveLength(1);
        const applied = own.filter((event) => event.type === 'config.applied');
        expect(applied, `${deviceId} config.applied`).toHaveLength(1);
        expect(applied[0]!.payload).toMatchObject({ recipe: { name: 'lab-sensor', version: '1.0.0', contentSha256: recipeSha256 } });
      }
      const hostnames = events.filter((event) => event.type === 'config.allocated').map((event) => event.payload['value']);
      expect(new Set(hostnames).size).toBe(DEVICE_COUNT);
      const exported = JSON.stringify(events);
      for (let index = 0; index < DEVICE_COUNT; index += 1) expect(exported).not.toContain(wifiPasswordOf(index));
      // Each device saved what its row in the device table says, the secret included, and firmware 2.1.0 runs.
      for (const [index, rig] of rigs.entries()) {
        const saved = await rig.device.store.readSavedSettings();
        const text = (name: string) => Buffer.from(saved.get(name) ?? new Uint8Array()).toString('utf8');
        expect({ serial: serialOf(index), report: text('app/report_s'), psk: text('wifi/psk') }).toEqual({ serial: serialOf(index), report: String(30 + index), psk: wifiPasswordOf(index) });
        expect((await rig.device.bootloader.readSlot(0))?.versionText).toBe('2.1.0');
      }
    });

    it('does not let the operator change the recipe without the supervisor', async () => {
      await page.getByRole('button', { name: 'Supervisor', exact: true }).click();
      const dialog = await supervisorDialog('Unlock station settings', OPERATOR_PIN, 'Unlock');
      await dialog.getByText('This needs a supervisor', { exact: true }).waitFor();
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      expect(await settingsPanel().count()).toBe(0);
      expect(await page.getByTestId('locked-work').textContent()).toMatch(/^lab-sensor@1\.0\.0 /);
      const configured = (await ledgerEvents()).filter((event) => event.type === 'line.configured');
      expect(configured.map((event) => event.actor)).toEqual(['Sam']);
    });

    it('raised no script error or CSP violation', () => {
      expect(pageErrors).toEqual([]);
    });
  },
);
