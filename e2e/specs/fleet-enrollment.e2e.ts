import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBootstrapToken } from '../../fleet-server/src/enrollment/bootstrap-tokens';
import { startTestServer, type TestServer } from '../../fleet-server/tests/helpers/test-server';
import { makeTempDir } from '../../main/test-support/temp-dir';
import { launchChromium, openWatchedPage } from '../support/browser';
import { runFieldline, startStationProcess, type StationProcess } from '../support/station-process';

const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const UNKNOWN_TOKEN = 'flbt_not-a-real-token-at-all';

let dir: ReturnType<typeof makeTempDir>;
let server: TestServer;
let station: StationProcess;
let browser: Browser;
let page: Page;
let fleet: Locator;
let pageErrors: string[] = [];

function appendNote(text: string): Promise<string> {
  return runFieldline([
    '--data-dir',
    dir.path,
    'ledger',
    'append',
    '--actor',
    'e2e-technician',
    '--type',
    'note.added',
    '--payload',
    JSON.stringify({ text }),
  ]);
}

async function serverEventCount(): Promise<number> {
  const rows = await server.db.query<{ n: unknown }>('SELECT count(*) AS n FROM events');
  return Number(rows[0]?.n);
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  // Embedded PGlite even when DATABASE_URL is set: the journeys run inside a user namespace, where a
  // PostgreSQL socket owned by the unmapped `postgres` user cannot be reached. The fleet suites cover
  // PostgreSQL; this journey is about the UI.
  server = await startTestServer({ databaseUrl: undefined });
  dir = makeTempDir('fieldline-e2e-fleet-');
  station = await startStationProcess(dir.path);
  await appendNote('recorded before the station had a fleet server');
  browser = await launchChromium();
  ({ page, errors: pageErrors } = await openWatchedPage(browser, { width: 1280, height: 900 }));
  fleet = page.getByRole('region', { name: 'Fleet server' });
});

afterAll(async () => {
  await browser?.close();
  await station?.stop();
  await server?.close();
  dir?.remove();
});

describe('fleet enrollment: a technician connects the station to the fleet server from Settings', () => {
  it('shows a refused token through the error table and keeps the other fields', async () => {
    await page.goto(`${station.url}#/settings`);
    await fleet.getByText('Not connected to a fleet server', { exact: true }).waitFor();

    await fleet.getByLabel('Server URL', { exact: true }).fill(server.url);
    await fleet.getByLabel('Bootstrap token', { exact: true }).fill(UNKNOWN_TOKEN);
    // The CA comes from a file picked in the browser, as a technician would from a USB stick.
    await fleet.locator('input[type="file"]').setInputFiles({
      name: 'fleet-ca.pem',
      mimeType: 'application/x-pem-file',
      buffer: Buffer.from(server.caPem),
    });
    await fleet.getByText('Read from fleet-ca.pem').waitFor();
    await fleet.getByRole('button', { name: 'Enroll station' }).click();

    await fleet.getByText('The bootstrap token is not valid').waitFor();
    expect(await fleet.getByLabel('Server URL', { exact: true }).inputValue()).toBe(server.url);
    expect(await fleet.getByLabel('Fleet CA certificate', { exact: true }).inputValue()).toContain(
      'BEGIN CERTIFICATE',
    );
    expect(await fleet.getByLabel('Bootstrap token', { exact: true }).inputValue()).toBe('');
    expect(await page.content()).not.toContain(UNKNOWN_TOKEN);
    await fleet.screenshot({ path: `${ARTIFACTS}settings-fleet-refused.png` });
  });

  it('enrolls with a real token, sends what was waiting, and shows the enrolled state', async () => {
    const { token } = await createBootstrapToken(server.db, { ttlMinutes: 10 });
    await fleet.getByLabel('Bootstrap token', { exact: true }).fill(token);
    await fleet.getByRole('button', { name: 'Enroll station' }).click();

    await fleet.getByText('Station enrolled').waitFor();
    await fleet.getByText(server.url, { exact: true }).first().waitFor();
    await fleet.getByText('Connected', { exact: true }).waitFor();
    await page.getByRole('banner').getByText('Synced').waitFor();
    expect(await serverEventCount()).toBe(1);
    expect(await page.content()).not.toContain(token);
    await fleet.screenshot({ path: `${ARTIFACTS}settings-fleet-enrolled.png` });
  });

  it('syncs on request with Sync now', async () => {
    await appendNote('recorded after enrollment');
    await fleet.getByRole('button', { name: 'Sync now' }).click();
    await fleet.getByText('Nothing waiting: every record is on the fleet server.').waitFor();
    expect(await serverEventCount()).toBe(2);
  });

  it('raised no script error or CSP violation', () => {
    expect(pageErrors).toEqual([]);
  });
});
