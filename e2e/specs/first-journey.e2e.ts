import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../main/test-support/temp-dir';
import { appSkipReason, startAppUnderTest, titleWithSkipReason, type AppUnderTest } from '../support/app-under-test';
import { runFieldline } from '../support/station-process';

const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));

/** Set when the target (FIELDLINE_E2E_TARGET) cannot run here; Vitest then runs none of the hooks below either. */
const SKIP_REASON = appSkipReason();

let dir: ReturnType<typeof makeTempDir>;
let app: AppUnderTest;
let page: Page;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  dir = makeTempDir('fieldline-e2e-');
  app = await startAppUnderTest({ dataDir: dir.path });
  page = app.page;
});

afterAll(async () => {
  await app?.close();
  dir?.remove();
});

describe.skipIf(SKIP_REASON !== undefined)(titleWithSkipReason('first journey: a technician opens the station and sees the record grow', SKIP_REASON), () => {
  it('shows the empty Devices view at the start URL', async () => {
    await app.open();
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
    expect(app.errors).toEqual([]);
  });
});
