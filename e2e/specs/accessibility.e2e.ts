import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteLedgerStore } from '../../main/adapters/ledger/sqlite-ledger-store';
import { LedgerService } from '../../main/core/ledger/ledger-service';
import { systemClock } from '../../main/core/ports/clock';
import { ledgerPath } from '../../main/host/data-dir';
import { makeTempDir } from '../../main/test-support/temp-dir';
import { launchChromium, openWatchedPage } from '../support/browser';
import { startStationProcess, type StationProcess } from '../support/station-process';

/** Where the screenshots go (git ignores e2e/artifacts/): one full page per view and theme. */
const SCREENSHOTS = fileURLToPath(new URL('../artifacts/screenshots/', import.meta.url));
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const DEVICE_ID = 'a11y-sensor-0001';

/**
 * Every main view, reached by its hash route. Sync has no view of its own: its status sits in the
 * header, so it is checked on every one of these pages.
 */
const VIEWS = [
  { name: 'devices', hash: '#/devices', heading: 'Devices' },
  { name: 'device-detail', hash: `#/devices/${DEVICE_ID}`, heading: 'Device SN-A11Y-0001' },
  { name: 'jobs', hash: '#/jobs', heading: 'Jobs' },
  { name: 'firmware', hash: '#/firmware', heading: 'Firmware' },
  { name: 'records', hash: '#/records', heading: 'Records' },
  { name: 'station', hash: '#/station', heading: 'Station' },
  { name: 'settings', hash: '#/settings', heading: 'Settings' },
] as const;
const THEMES = ['light', 'dark'] as const;

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

let dir: ReturnType<typeof makeTempDir>;
let station: StationProcess;
let browser: Browser;
let page: Page;
let pageErrors: string[] = [];

/** A few devices in different states, so the tables, badges and the detail have something to show. */
function seedLedger(dataDir: string): void {
  const store = SqliteLedgerStore.open(ledgerPath(dataDir));
  const ledger = new LedgerService(store, systemClock);
  const payload = { model: 'lab-sensor', serial: 'SN-A11Y-0001', firmwareVersion: '1.4.2' };
  ledger.append({ actor: 'e2e-a11y', deviceId: DEVICE_ID, type: 'device.discovered', payload });
  ledger.append({ actor: 'e2e-a11y', deviceId: DEVICE_ID, type: 'firmware.flashed', payload: { ...payload, firmwareVersion: '1.5.0' } });
  ledger.append({ actor: 'e2e-a11y', deviceId: 'a11y-gateway-0002', type: 'device.failed', payload: { model: 'lab-gateway', serial: 'SN-A11Y-0002', reason: 'verify' } });
  ledger.append({ actor: 'e2e-a11y', deviceId: 'a11y-tag-0003', type: 'device.retired', payload: { model: 'lab-tag', serial: 'SN-A11Y-0003' } });
  store.close();
}

/** axe-core's serious and critical findings on the page as it is now. */
async function seriousViolations(target: Page): Promise<Violation[]> {
  // Evaluated over the DevTools protocol rather than added as a <script>: the app's CSP (script-src
  // 'self') rightly refuses inline scripts, and loosening it for the test would test another app.
  if (!(await target.evaluate<boolean>("typeof window.axe === 'object'"))) await target.evaluate(`${AXE_SOURCE}\n;undefined`);
  const violations = await target.evaluate<Violation[]>(`axe.run(document, { resultTypes: ['violations'] }).then((result) =>
    result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) })))`);
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

function describeViolations(violations: Violation[]): string[] {
  return violations.flatMap((violation) => violation.nodes.map((node) => `${violation.id} (${violation.impact ?? '?'}) at ${node}: ${violation.help}`));
}

async function useTheme(theme: (typeof THEMES)[number]): Promise<void> {
  const toggle = page.getByRole('button', { name: `Switch to ${theme} theme` });
  if (await toggle.isVisible()) await toggle.click();
  await page.waitForFunction(`document.documentElement.getAttribute('data-mantine-color-scheme') === ${JSON.stringify(theme)}`);
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  dir = makeTempDir('fieldline-e2e-a11y-');
  seedLedger(dir.path);
  station = await startStationProcess(dir.path, { args: ['--no-mdns', '--no-serial', '--no-usb', '--no-drives'] });
  browser = await launchChromium();
  ({ page, errors: pageErrors } = await openWatchedPage(browser, { width: 1280, height: 800 }));
  await page.goto(station.url);
  await page.getByRole('heading', { name: 'Devices', level: 1 }).waitFor();
});

afterAll(async () => {
  await browser?.close();
  await station?.stop();
  dir?.remove();
});

describe('accessibility of every main view (axe: no serious or critical violation), with screenshots', () => {
  for (const theme of THEMES) {
    for (const view of VIEWS) {
      it(`${view.name}, ${theme} theme`, async () => {
        await page.evaluate(`window.location.hash = ${JSON.stringify(view.hash)}`);
        await page.getByRole('heading', { name: view.heading, level: 1 }).waitFor();
        await useTheme(theme);
        // Skeletons first, content next: check the view once it has loaded (no busy rows left).
        await page.waitForFunction(`document.querySelector('[aria-busy="true"]') === null`);
        await page.screenshot({ path: `${SCREENSHOTS}${view.name}-${theme}.png`, fullPage: true });
        expect(describeViolations(await seriousViolations(page))).toEqual([]);
      });
    }
  }

  it('raised no script error or CSP violation', () => {
    expect(pageErrors).toEqual([]);
  });
});
