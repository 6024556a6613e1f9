import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../main/test-support/temp-dir';
import { launchChromium, openWatchedPage } from '../support/browser';
import { runFieldline, startStationProcess, type StationProcess } from '../support/station-process';

const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));

let dir: ReturnType<typeof makeTempDir>;
let station: StationProcess;
let browser: Browser;
let page: Page;
let pageErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  dir = makeTempDir('fieldline-e2e-');
  station = await startStationProcess(dir.path);
  browser = await launchChromium();
  ({ page, errors: pageErrors } = await openWatchedPage(browser));
});

afterAll(async () => {
  await browser?.close();
  await station?.stop();
  dir?.remove();
});

describe('first journey: a technician opens the station and sees the record grow', () => {
  it('shows the empty Devices view at the station URL', async () => {
    await page.goto(station.url);
    await page.getByRole('heading', { name: 'Devices', level: 1 }).waitFor();
    await page.getByText('No devices yet').waitFor();
    await page.screenshot({ path: `${ARTIFACTS}devices-empty.png`, fullPage: true });
  });

  it('shows an event appended with the CLI in Records, without a reload', async () => {
    await page.getByRole('link', { name: 'Records' }).click();
    await page.getByRole('heading', { name: 'Records', level: 1 }).waitFor();
    await runFieldline(['--data-dir', dir.path, 'ledger', 'append', '--actor', 'e2e-technician', '--type', 'note.added', '--payload', '{"text":"cabinet 4 opened"}']);
    const row = page.getByRole('row').filter({ hasText: 'e2e-technician' });
    await row.waitFor();
    expect(await row.textContent()).toContain('note.added');
    await page.screenshot({ path: `${ARTIFACTS}records-after-cli.png`, fullPage: true });
  });

  it('shows the pending record in the sync indicator', async () => {
    await page.getByText(/1 record(s)? waiting/).waitFor();
  });

  it('raised no script error or CSP violation', () => {
    expect(pageErrors).toEqual([]);
  });
});
