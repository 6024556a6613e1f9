import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../main/test-support/temp-dir';
import { appSkipReason, startAppUnderTest, titleWithSkipReason, type AppUnderTest } from '../support/app-under-test';
import { runFieldline } from '../support/station-process';

const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const DEVICE_ID = 'e2e-sensor-0001';
const SERIAL = 'SN-E2E-0001';
const IMAGE_HASH = '3f1c9a7be04d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7';

/** Set when the target (FIELDLINE_E2E_TARGET) cannot run here; Vitest then runs none of the hooks below either. */
const SKIP_REASON = appSkipReason();

let dir: ReturnType<typeof makeTempDir>;
let app: AppUnderTest;
let page: Page;

function appendEvent(type: string, actor: string, payload: object): Promise<string> {
  return runFieldline([
    '--data-dir',
    dir.path,
    'ledger',
    'append',
    '--actor',
    actor,
    '--type',
    type,
    '--device',
    DEVICE_ID,
    '--payload',
    JSON.stringify(payload),
  ]);
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  dir = makeTempDir('fieldline-e2e-detail-');
  app = await startAppUnderTest({ dataDir: dir.path, viewport: { width: 1280, height: 800 } });
  page = app.page;
  // Two lifecycle events written by the real CLI into the app's data folder.
  await appendEvent('device.discovered', 'e2e-discovery', {
    model: 'lab-sensor',
    serial: SERIAL,
    firmwareVersion: '1.4.2',
  });
  await appendEvent('firmware.flashed', 'e2e-technician', {
    firmwareVersion: '1.5.0',
    imageHash: IMAGE_HASH,
    verified: true,
  });
});

afterAll(async () => {
  await app?.close();
  dir?.remove();
});

describe.skipIf(SKIP_REASON !== undefined)(titleWithSkipReason('device detail: a technician opens a device and reads its history', SKIP_REASON), () => {
  it('lists the device, and narrows the list by state and transport', async () => {
    await app.open();
    await page.getByRole('heading', { name: 'Devices', level: 1 }).waitFor();
    const row = page.locator(`tr[data-device-id="${DEVICE_ID}"]`);
    await row.waitFor();
    // The state column shows the state's label (device-labels.ts).
    expect(await row.textContent()).toContain('Provisioned');

    await page.getByLabel('State').selectOption('provisioned');
    await row.waitFor();
    await page.getByLabel('Seen on').selectOption('serial');
    await page.getByText('No devices match these filters').waitFor();
    await page.screenshot({ path: `${ARTIFACTS}devices-filtered-empty.png`, fullPage: true });
    await page.getByLabel('Seen on').selectOption('not-connected');
    await row.waitFor();
    await page.screenshot({ path: `${ARTIFACTS}devices-filtered.png`, fullPage: true });
  });

  it('opens the device on a click and shows both CLI events in its history', async () => {
    await page.locator(`tr[data-device-id="${DEVICE_ID}"]`).click();
    await page.getByRole('heading', { name: `Device ${SERIAL}`, level: 1 }).waitFor();
    expect(new URL(page.url()).hash).toBe(`#/devices/${DEVICE_ID}`);

    const overview = page.getByRole('region', { name: 'Overview' });
    await overview.getByText('lab-sensor').waitFor();
    expect(await overview.textContent()).toContain('1.5.0');
    await page
      .getByRole('region', { name: 'Seen on' })
      .getByText(/Not connected right now/)
      .waitFor();

    const history = page.getByRole('region', { name: 'History' });
    const flashed = history.getByRole('row').filter({ hasText: 'firmware.flashed' });
    const discovered = history.getByRole('row').filter({ hasText: 'device.discovered' });
    await flashed.waitFor();
    await discovered.waitFor();
    expect(await flashed.textContent()).toContain('e2e-technician');
    expect(await flashed.textContent()).toContain(IMAGE_HASH);
    expect(await discovered.textContent()).toContain('e2e-discovery');
    expect(await flashed.getByRole('button', { name: 'Copy hash' }).count()).toBe(1);
    // Newest first.
    const types = await history.locator('tbody tr td:nth-child(2)').allTextContents();
    expect(types).toEqual(['firmware.flashed', 'device.discovered']);
    await page.screenshot({ path: `${ARTIFACTS}device-detail.png`, fullPage: true });
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await page.screenshot({ path: `${ARTIFACTS}device-detail-dark.png`, fullPage: true });
    await page.getByRole('button', { name: 'Switch to light theme' }).click();
  });

  it('adds a record written by the CLI while the detail is open, without a reload', async () => {
    await appendEvent('note.added', 'e2e-supervisor', { text: 'cabinet 4, shelf 2' });
    const history = page.getByRole('region', { name: 'History' });
    await history.getByRole('row').filter({ hasText: 'e2e-supervisor' }).waitFor();
    await history.getByText('3 records').waitFor();
  });

  it('goes back to the list with the filters kept', async () => {
    await page.getByRole('link', { name: '← Back to devices' }).click();
    await page.getByRole('heading', { name: 'Devices', level: 1 }).waitFor();
    expect(await page.getByLabel('Seen on').inputValue()).toBe('not-connected');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    expect(await page.getByLabel('State').inputValue()).toBe('any');
  });

  it('offers fleet enrollment in Settings while no fleet server is set', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    const fleet = page.getByRole('region', { name: 'Fleet server' });
    await fleet.getByText('Not connected to a fleet server', { exact: true }).waitFor();
    await fleet.getByLabel('Server URL', { exact: true }).waitFor();
    expect(await fleet.getByLabel('Bootstrap token', { exact: true }).getAttribute('type')).toBe('password');
    await fleet.getByLabel('Fleet CA certificate', { exact: true }).waitFor();
    await fleet.getByRole('button', { name: 'Enroll station' }).waitFor();
    await page.screenshot({ path: `${ARTIFACTS}settings-fleet.png`, fullPage: true });

    await fleet.getByLabel('Server URL', { exact: true }).fill('http://fleet.example.test');
    await fleet.getByRole('button', { name: 'Enroll station' }).click();
    await fleet.getByText(/start the address with https:\/\//).waitFor();
    await fleet.getByText('Enter the bootstrap token from the fleet administrator').waitFor();
    // The region alone: the failed submit scrolled the page to the first wrong field.
    await fleet.screenshot({ path: `${ARTIFACTS}settings-fleet-validation.png` });
  });

  it('raised no script error or CSP violation', () => {
    expect(app.errors).toEqual([]);
  });
});
