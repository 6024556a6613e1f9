import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../shared/contract';
import { makeTempDir } from '../../main/test-support/temp-dir';
import type { FlashRig } from '../flash/flash-lab-rig';
import { writeLabBundle } from '../flash/flash-test-bundle';
import { isProcessAlive } from '../lab/process-liveness';
import { launchChromium, openWatchedPage } from '../support/browser';
import { startLabStationProcess, type LabStationProcess } from '../support/lab-station-process';
import { replug, serialGlobUnder, startSerialRigUnder } from '../support/lab-station-rigs';
import { screenshotStep } from '../support/lab-station-screenshots';
import { runFieldline } from '../support/station-process';

/**
 * Journey 10 (issue #7): a device unplugged mid-flash shows a clear failure and succeeds on retry. The
 * station is the real one with the lab's USB bus (e2e/support/lab-station-main.ts); the device is a lab
 * SMP device on a pty in this process, so the test pulls its cable (socat and the pty go, as a
 * USB-serial tty does) while the browser shows the upload between 10% and 80%.
 */
const JOURNEY = 'flash-retry';
const SERIAL = 'LAB-RETRY-0001';
const FIRMWARE = '2.0.0';
/** The flasher waits 30 s for a lost device to come back before it gives up (smp-flasher-session.ts). */
const FAILURE_TIMEOUT_MS = 60_000;
const FLASH_TIMEOUT_MS = 60_000;

let dir: ReturnType<typeof makeTempDir>;
let rig: FlashRig;
let station: LabStationProcess;
let stationDir: string;
let browser: Browser;
let page: Page;
let pageErrors: string[] = [];
let bundlePath: string;
let deviceId: string;

const firmwareSection = (): Locator => page.getByRole('region', { name: 'Firmware' });

beforeAll(async () => {
  dir = makeTempDir('fieldline-e2e-flash-retry-');
  const labRoot = join(dir.path, 'lab');
  // Slow enough (a 115200 Bd link, 8 KB/s flash programming, ~96 KB image) that the upload spends
  // seconds between 10% and 80%, where the browser can be seen showing it before the cable goes.
  rig = await startSerialRigUnder(dir.path, {
    baudRate: 115_200,
    config: { serialNumber: SERIAL, flash: { writeBytesPerSecond: 8_000 } },
  });
  deviceId = `hwid:${rig.hardwareId.toUpperCase()}`;
  bundlePath = await writeLabBundle(dir.path, `lab-sensor-${FIRMWARE}.fwb`, {
    version: FIRMWARE,
    bodyBytes: 96_000,
    securityCounter: 2,
  });
  stationDir = join(dir.path, 'station');
  station = await startLabStationProcess(stationDir, {
    // A DFU device on the station's USB bus too: the journey runs on the same station the technician
    // journey uses, and the flash must pick the serial device, not the USB one.
    scenarioYaml: 'name: flash-retry\ndevices:\n  - { name: dfu-1, family: dfu, serialNumber: LAB-RETRY-DFU-01 }\n',
    labStateRoot: labRoot,
    args: ['--no-mdns', '--no-drives'],
    env: { FIELDLINE_SERIAL_GLOBS: serialGlobUnder(dir.path) },
  });
  browser = await launchChromium();
  ({ page, errors: pageErrors } = await openWatchedPage(browser, { width: 1440, height: 1000 }));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await station?.stop();
  const socats = rig?.socatPids ?? [];
  await rig?.stop();
  dir?.remove();
  for (const pid of socats) expect(isProcessAlive(pid)).toBe(false);
});

describe('journey 10: a device unplugged mid-flash fails clearly and succeeds on retry', () => {
  it('imports the bundle and finds the lab serial device (and the lab USB device) in Devices', async () => {
    await page.goto(station.url);
    await page.locator(`tr[data-device-id="${deviceId}"]`).waitFor({ timeout: 20_000 });
    await page.locator('tr[data-device-id="serial:LAB-RETRY-DFU-01"]').waitFor({ timeout: 20_000 });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Firmware' }).click();
    await page.getByRole('heading', { name: 'Firmware', level: 1 }).waitFor();
    await page.locator('input[type="file"]').setInputFiles(bundlePath);
    await page.getByText(`Imported fieldline-lab-nrf52840 ${FIRMWARE}`).waitFor();
    await screenshotStep(page, JOURNEY, '1-bundle-imported');
  });

  it('starts the flash from the device detail and pulls the cable while the upload shows 10–80%', async () => {
    await page.getByRole('region', { name: 'Devices it fits' }).getByRole('link', { name: SERIAL }).click();
    await page.getByRole('heading', { name: `Device ${SERIAL}`, level: 1 }).waitFor();
    await firmwareSection().getByRole('button', { name: `Flash ${FIRMWARE} to ${SERIAL}` }).click();
    await firmwareSection()
      .getByRole('group', { name: `Confirm flashing ${SERIAL}` })
      .getByRole('button', { name: 'Flash now' })
      .click();

    const percent = await waitForUploadPercent(firmwareSection(), 10);
    expect(percent).toBeLessThanOrEqual(80);
    await screenshotStep(page, JOURNEY, '2-uploading');
    await rig.pull();
  });

  it('shows the failure: the step, the reason from the error table, and a Retry', async () => {
    const section = firmwareSection();
    await section.locator('[data-job-state="failed"]').waitFor({ timeout: FAILURE_TIMEOUT_MS });
    // The title and suggested action of the one error table, visible without unfolding anything.
    await section.getByText('The device does not answer').waitFor();
    await section.getByText('Check the cable and power, then replug and retry.').waitFor();
    // The step it failed at, in the technical details.
    await section.getByText('Technical details').click();
    await section.getByText(/DEVICE_NOT_RESPONDING: failed at step "upload" \(Uploading\)/).waitFor();
    await section.getByRole('button', { name: `Retry job on ${SERIAL}` }).waitFor();
    await screenshotStep(page, JOURNEY, '3-failed-unplugged');
  });

  it('after replugging, Retry flashes it to the end: the Jobs view shows the failed job and the succeeded retry', async () => {
    await replug(rig);
    // Back in Devices' eyes before the retry: the row shows its serial sighting again.
    await firmwareSection().getByRole('button', { name: `Flash ${FIRMWARE} to ${SERIAL}` }).and(page.locator(':enabled')).waitFor({ timeout: 20_000 });
    await firmwareSection().getByRole('button', { name: `Retry job on ${SERIAL}` }).click();

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Jobs' }).click();
    await page.getByRole('heading', { name: 'Jobs', level: 1 }).waitFor();
    const succeeded = page.locator('tr[data-job-state="succeeded"]');
    await succeeded.waitFor({ timeout: FLASH_TIMEOUT_MS });
    expect(await succeeded.textContent()).toContain(SERIAL);
    expect(await succeeded.textContent()).toContain('Verified, tested and confirmed');
    const failed = page.locator('tr[data-job-state="failed"]');
    expect(await failed.count()).toBe(1);
    expect(await failed.textContent()).toContain('The device does not answer');
    await screenshotStep(page, JOURNEY, '4-jobs-failed-then-succeeded');
  });

  it('shows the new firmware installed in the device detail', async () => {
    await page.goto(`${station.url}#/devices/${encodeURIComponent(deviceId)}`);
    await page.getByRole('heading', { name: `Device ${SERIAL}`, level: 1 }).waitFor();
    await firmwareSection().getByText(/Installed: the device runs the new image/).waitFor();
    await screenshotStep(page, JOURNEY, '5-device-flashed');
  });

  it('recorded job.failed (retryable, at upload) and then firmware.flashed and job.succeeded in the ledger', async () => {
    const events = (await runFieldline(['--data-dir', stationDir, 'ledger', 'export', '--json']))
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LedgerEvent)
      .filter((event) => event.deviceId === deviceId && /^(job|firmware)\./.test(event.type) && event.type !== 'job.step-completed');
    expect(events.map((event) => event.type)).toEqual([
      'job.started',
      'job.failed',
      'job.started',
      'firmware.flashed',
      'job.succeeded',
    ]);
    expect(events[1]?.payload).toMatchObject({ code: 'DEVICE_NOT_RESPONDING', step: 'upload', isRetryable: true, isBeforeWrite: false });
    expect(events[3]?.payload).toMatchObject({ firmwareVersion: FIRMWARE, serial: SERIAL });
    expect(await rig.device.bootloader.readSlot(0)).toMatchObject({ versionText: FIRMWARE });

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Records' }).click();
    await page.getByRole('cell', { name: 'job.failed', exact: true }).first().waitFor();
    await page.getByRole('cell', { name: 'firmware.flashed', exact: true }).first().waitFor();
    await screenshotStep(page, JOURNEY, '6-records');
    expect(pageErrors).toEqual([]);
  });
});

/** Polls the inline progress (`NN% · x KiB of y KiB`) until it reaches `atLeast` percent; returns what it read. */
async function waitForUploadPercent(section: Locator, atLeast: number): Promise<number> {
  const progress = section.getByText(/^\d+% · [\d.]+ (B|KiB) of [\d.]+ KiB$/);
  const deadline = Date.now() + FLASH_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const text = await progress.textContent({ timeout: FLASH_TIMEOUT_MS }).catch(() => null);
    const percent = text === null ? NaN : Number(/^(\d+)%/.exec(text)?.[1]);
    if (percent >= atLeast) return percent;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the upload never showed ${atLeast}% in the browser`);
}
