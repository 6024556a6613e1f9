import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../main/test-support/temp-dir';
import { isProcessAlive } from '../lab/process-liveness';
import { FlashRig } from '../flash/flash-lab-rig';
import { writeLabBundle } from '../flash/flash-test-bundle';
import { appSkipReason, startAppUnderTest, titleWithSkipReason, type AppUnderTest } from '../support/app-under-test';

const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const FLASH_TIMEOUT_MS = 45_000;

/** Set when the target (FIELDLINE_E2E_TARGET) cannot run here; Vitest then runs none of the hooks below either. */
const SKIP_REASON = appSkipReason();

let dir: ReturnType<typeof makeTempDir>;
let rig: FlashRig;
let app: AppUnderTest;
let page: Page;
let bundlePath: string;
let deviceId: string;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  dir = makeTempDir('fieldline-e2e-firmware-');
  // One lab MCUboot/SMP device on a pseudo-terminal; the app finds it by serial probing of exactly that path.
  rig = await FlashRig.start({ transport: 'serial', config: { serialNumber: 'LAB-FW-0001' } });
  const endpoint = rig.endpoint;
  if (endpoint.kind !== 'serial') throw new Error('a serial rig was asked for');
  deviceId = `hwid:${rig.hardwareId.toUpperCase()}`;
  bundlePath = await writeLabBundle(dir.path, 'lab-sensor-2.0.0.fwb', {
    version: '2.0.0',
    bodyBytes: 40_000,
    securityCounter: 2,
  });
  app = await startAppUnderTest({
    dataDir: `${dir.path}/station`,
    stationArgs: ['--no-mdns', '--no-usb'],
    env: { FIELDLINE_SERIAL_GLOBS: endpoint.path },
    viewport: { width: 1440, height: 1000 },
  });
  page = app.page;
});

afterAll(async () => {
  await app?.close();
  const socats = rig?.socatPids ?? [];
  await rig?.stop();
  dir?.remove();
  for (const pid of socats) expect(isProcessAlive(pid)).toBe(false);
});

describe.skipIf(SKIP_REASON !== undefined)(titleWithSkipReason('firmware journey: import a signed bundle, flash a lab device from its detail, follow the job', SKIP_REASON), () => {
  it('imports a lab-signed bundle in the app and shows it verified, fitting the lab serial device', async () => {
    await app.open();
    await page.locator(`tr[data-device-id="${deviceId}"]`).waitFor({ timeout: 20_000 });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Firmware' }).click();
    await page.getByRole('heading', { name: 'Firmware', level: 1 }).waitFor();
    await page.getByText('No firmware bundles yet').waitFor();

    await page.locator('input[type="file"]').setInputFiles(bundlePath);
    await page.getByText('Imported fieldline-lab-nrf52840 2.0.0').waitFor();
    // The bundle's row: the fitting device's row in "Devices it fits" names the same model.
    const row = page.locator('tr[data-bundle-id]').filter({ hasText: 'fieldline-lab-nrf52840' });
    expect(await row.textContent()).toContain('Verified');
    expect(await row.textContent()).toContain('Development key');
    const fits = page.getByRole('region', { name: 'Devices it fits' });
    await fits.getByRole('link', { name: 'LAB-FW-0001' }).waitFor();
    await page.screenshot({ path: `${ARTIFACTS}firmware-library.png`, fullPage: true });
  });

  it('refuses an expired bundle on import, names the failed check and keeps it out of the library', async () => {
    const expired = await writeLabBundle(dir.path, 'lab-sensor-expired.fwb', {
      version: '2.1.0',
      expiresAt: new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    });
    await page.locator('input[type="file"]').setInputFiles(expired);
    await page.getByText(/^Refused lab-sensor-expired\.fwb: /).waitFor();
    await page.getByText('Failed check: expiry · kept out of the library').waitFor();
    expect(await page.locator('tr[data-bundle-id]').count()).toBe(1);
    await page.screenshot({ path: `${ARTIFACTS}firmware-refused.png`, fullPage: true });
  });

  it('flashes it from the device detail after a confirmation, with live progress and the success inline', async () => {
    await page
      .getByRole('region', { name: 'Devices it fits' })
      .getByRole('link', { name: 'LAB-FW-0001' })
      .click();
    await page.getByRole('heading', { name: 'Device LAB-FW-0001', level: 1 }).waitFor();
    const firmware = page.getByRole('region', { name: 'Firmware' });
    await firmware.getByRole('button', { name: 'Flash 2.0.0 to LAB-FW-0001' }).click();
    const confirm = firmware.getByRole('group', { name: 'Confirm flashing LAB-FW-0001' });
    expect(await confirm.textContent()).toContain('→ 2.0.0');
    await confirm.getByRole('button', { name: 'Flash now' }).click();

    // Progress is visible while the image travels: a percentage with bytes, then the outcome.
    await firmware.getByText(/\d+% · [\d.]+ KiB of [\d.]+ KiB/).waitFor({ timeout: FLASH_TIMEOUT_MS });
    await page.screenshot({ path: `${ARTIFACTS}device-flashing.png`, fullPage: true });
    await firmware
      .getByText(/Installed: the device runs the new image/)
      .waitFor({ timeout: FLASH_TIMEOUT_MS });
    expect(await firmware.locator('[data-job-state="succeeded"]').count()).toBeGreaterThan(0);
    await page.screenshot({ path: `${ARTIFACTS}device-flashed.png`, fullPage: true });
  });

  it('lists the job as succeeded in the Jobs view, with the device and the version', async () => {
    await page.getByRole('region', { name: 'Firmware' }).getByRole('link', { name: 'Open in Jobs' }).click();
    await page.getByRole('heading', { name: 'Jobs', level: 1 }).waitFor();
    // The row comes first with the device id; its serial follows once the Jobs view has looked it up.
    const job = page.locator('tr[data-job-state="succeeded"]').filter({ hasText: 'LAB-FW-0001' });
    await job.waitFor();
    const text = await job.textContent();
    expect(text).toContain('LAB-FW-0001');
    expect(text).toContain('2.0.0');
    expect(text).toContain('Verified, tested and confirmed');
    await page.screenshot({ path: `${ARTIFACTS}jobs-after-flash.png`, fullPage: true });
  });

  it('recorded the import and the verified flash in the ledger, and raised no script error', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Records' }).click();
    await page.getByRole('cell', { name: 'firmware.bundle-imported', exact: true }).waitFor();
    await page.getByRole('cell', { name: 'firmware.flashed', exact: true }).first().waitFor();
    expect(app.errors).toEqual([]);
  });
});
