import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../main/test-support/temp-dir';
import { FlashRig } from '../flash/flash-lab-rig';
import { writeLabBundle } from '../flash/flash-test-bundle';
import { launchChromium, openWatchedPage } from '../support/browser';
import { runFieldline, startStationProcess, type StationProcess } from '../support/station-process';

const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const DEVICE_COUNT = 3;
const SUPERVISOR_PIN = '918273';
const OPERATOR_PIN = '4321';
const FLASH_TIMEOUT_MS = 90_000;

let dir: ReturnType<typeof makeTempDir>;
let rigs: FlashRig[] = [];
let bundlePath: string;
let station: StationProcess;
let browser: Browser;
let page: Page;
let pageErrors: string[] = [];

/**
 * The lab's ptys are made under this test's own folder (FlashRig uses the OS temp dir, which follows
 * TMPDIR), so the station's serial glob sees these devices and never another test's.
 */
async function startRigsUnder(folder: string): Promise<FlashRig[]> {
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = folder;
  try {
    const started: FlashRig[] = [];
    for (let index = 0; index < DEVICE_COUNT; index += 1) {
      started.push(await FlashRig.start({ transport: 'serial', config: { serialNumber: `FL-LINE-${String(index).padStart(2, '0')}` } }));
    }
    return started;
  } finally {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
  }
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  dir = makeTempDir('fieldline-e2e-line-');
  const labRoot = join(dir.path, 'lab');
  mkdirSync(labRoot);
  bundlePath = await writeLabBundle(dir.path, 'lab-fw-1.1.0.fwb', { version: '1.1.0' });
  rigs = await startRigsUnder(labRoot);
  station = await startStationProcess(join(dir.path, 'station'), {
    args: ['--no-mdns', '--no-usb', '--no-drives'],
    env: { FIELDLINE_SERIAL_GLOBS: `${labRoot}/fieldline-flash-rig-*/pty/app` },
  });
  browser = await launchChromium();
  ({ page, errors: pageErrors } = await openWatchedPage(browser, { width: 1600, height: 1000 }));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await station?.stop();
  await Promise.all(rigs.map((rig) => rig.stop()));
  dir?.remove();
});

const tiles = () => page.getByRole('list', { name: 'Ports' }).getByRole('group');
const figure = (label: string) => page.getByRole('group', { name: 'Counters' }).getByLabel(new RegExp(`^${label}: `));

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

describe('factory station: a line of lab devices', () => {
  it('sets up the first supervisor, an operator and the locked bundle', async () => {
    await page.goto(`${station.url}#/station`);
    await page.getByRole('heading', { name: 'Station', level: 1 }).waitFor();
    // The lab's devices are plugged in already; they wait for a locked bundle.
    await expect.poll(() => tiles().count(), { timeout: 20_000 }).toBe(DEVICE_COUNT);
    await page.getByText('no bundle locked').first().waitFor();

    const firstRun = page.getByRole('region', { name: 'Set up the first supervisor' });
    await firstRun.getByLabel('Supervisor name').fill('Sam');
    await firstRun.getByLabel('Supervisor PIN').fill(SUPERVISOR_PIN);
    await firstRun.getByLabel('Repeat the PIN').fill(SUPERVISOR_PIN);
    await firstRun.getByRole('button', { name: 'Create supervisor' }).click();

    await page.getByRole('button', { name: 'Supervisor', exact: true }).click();
    await supervisorDialog('Unlock station settings', SUPERVISOR_PIN, 'Unlock');
    const panel = page.getByRole('region', { name: 'Station settings (supervisor)' });
    await panel.getByLabel('Name').fill('Olga');
    await panel.getByLabel('Their PIN').fill(OPERATOR_PIN);
    await panel.getByRole('button', { name: 'Add or update operator' }).click();
    await panel.getByText('Olga can log in now.').waitFor();
    await panel.getByLabel('Bundle file on this station').fill(bundlePath);
    await panel.getByLabel('Canary devices').fill('1');
    await panel.getByRole('button', { name: 'Lock bundle' }).click();
    await panel.getByText(/Bundle locked/).waitFor();
    await panel.getByRole('button', { name: 'Lock settings' }).click();
    expect(await page.getByTestId('locked-work').textContent()).toContain('fieldline-lab-nrf52840 1.1.0');
    await page.getByText('log in to start').first().waitFor();
  });

  it('runs the canary once an operator logs in, then waits for the supervisor, whom the operator cannot replace', async () => {
    const login = page.getByRole('region', { name: 'Operator login' });
    await login.getByRole('button', { name: 'Olga' }).click();
    await enterPin(login.getByRole('group', { name: 'PIN for Olga keys' }), OPERATOR_PIN);
    await login.getByRole('button', { name: 'Log in' }).click();
    await page.getByText('Canary passed: waiting for a supervisor').waitFor({ timeout: FLASH_TIMEOUT_MS });
    expect(await figure('Passed').textContent()).toBe('1');
    await page.screenshot({ path: `${ARTIFACTS}station-awaiting-approval.png`, fullPage: true });

    await page.getByRole('button', { name: 'Approve' }).click();
    const dialog = await supervisorDialog('Approve the canary', OPERATOR_PIN, 'Approve');
    await dialog.getByText('This needs a supervisor', { exact: true }).waitFor();
    await enterPin(dialog, SUPERVISOR_PIN);
    await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
  }, FLASH_TIMEOUT_MS + 30_000);

  it('flashes every device and shows the right counters', async () => {
    await expect.poll(() => figure('Passed').textContent(), { timeout: FLASH_TIMEOUT_MS, interval: 500 }).toBe(String(DEVICE_COUNT));
    expect(await figure('Failed').textContent()).toBe('0');
    expect(await figure('First-pass yield').textContent()).toBe('100%');
    const states = await Promise.all((await tiles().all()).map((tile) => tile.getAttribute('data-state')));
    expect(states).toEqual(Array(DEVICE_COUNT).fill('pass'));
    await page.screenshot({ path: `${ARTIFACTS}station-all-passed.png`, fullPage: true });
  }, FLASH_TIMEOUT_MS + 30_000);

  it('does not let the operator change the locked bundle without the supervisor', async () => {
    await page.getByRole('button', { name: 'Supervisor', exact: true }).click();
    const dialog = await supervisorDialog('Unlock station settings', OPERATOR_PIN, 'Unlock');
    await dialog.getByText('This needs a supervisor', { exact: true }).waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await page.getByRole('region', { name: 'Station settings (supervisor)' }).count()).toBe(0);
    expect(await page.getByTestId('locked-work').textContent()).toContain('1.1.0');
  });

  it('serves the counts and port states at /metrics without the token', async () => {
    const response = await fetch(`${station.origin}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain(`fieldline_line_devices_passed_total ${DEVICE_COUNT}`);
    expect(text).toContain('fieldline_line_devices_failed_total 0');
    expect(text).toContain('fieldline_line_state{state="running"} 1');
    expect(text.match(/fieldline_line_port_state\{[^}]*state="pass"\} 1/g)).toHaveLength(DEVICE_COUNT);
  });

  it('recorded every run and the sessions under the operator in the ledger', async () => {
    const events = (await runFieldline(['--data-dir', join(dir.path, 'station'), 'ledger', 'export', '--json']))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; actor: string; deviceId: string | null });
    const passed = events.filter((event) => event.type === 'line.run-passed');
    expect(passed).toHaveLength(DEVICE_COUNT);
    expect(new Set(passed.map((event) => event.actor))).toEqual(new Set(['Olga']));
    expect(new Set(passed.map((event) => event.deviceId)).size).toBe(DEVICE_COUNT);
    expect(events.filter((event) => event.type === 'firmware.flashed')).toHaveLength(DEVICE_COUNT);
    expect(events.some((event) => event.type === 'line.session-started' && event.actor === 'Olga')).toBe(true);
    expect(events.some((event) => event.type === 'line.canary-approved' && event.actor === 'Sam')).toBe(true);
  });

  it('raised no script error or CSP violation', () => {
    expect(pageErrors).toEqual([]);
  });
});
