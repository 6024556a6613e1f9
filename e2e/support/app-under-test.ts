import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, type Browser, type ElectronApplication, type Page } from 'playwright-core';
import { APP_ENTRY_URL } from '../../main/app/app-origin';
import { launchChromium, openWatchedPage } from './browser';
import { startStationProcess, type StationProcess } from './station-process';

/**
 * "The app" for a journey, whichever shell it runs in (issue #7): the headless station controlled from
 * Debian's Chromium (the default), or the built Electron app under Playwright's `_electron`
 * (FIELDLINE_E2E_TARGET=electron). A journey written against this runs unchanged in both.
 */

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ELECTRON_MAIN_BUNDLE = path.join(REPO_ROOT, 'dist', 'electron', 'main.cjs');

export type AppTarget = 'chromium' | 'electron';

export interface AppUnderTestOptions {
  /** The data folder the app opens (the station's `--data-dir`, the app's `--data-dir=`). */
  dataDir: string;
  /** Extra environment for the app, e.g. FIELDLINE_SERIAL_GLOBS for the lab's ptys. */
  env?: Record<string, string>;
  /**
   * More `npm run station` flags (`--no-mdns`, `--no-usb`, `--no-drives`). The Electron app has no
   * such switches and watches every transport; FIELDLINE_SERIAL_GLOBS still limits its serial probing
   * to the lab's ptys.
   */
  stationArgs?: string[];
  viewport?: { width: number; height: number };
}

export interface AppUnderTest {
  target: AppTarget;
  page: Page;
  /** Every script error and console error the page raised (a CSP violation is a console error). */
  errors: string[];
  dataDir: string;
  /** The headless station behind the page; only with the `chromium` target. */
  station: StationProcess | undefined;
  /** Loads the app's page afresh, at `hash` (e.g. `#/devices/hwid:…`) or at its start view. */
  open(hash?: string): Promise<void>;
  close(): Promise<void>;
}

/** FIELDLINE_E2E_TARGET: unset or `chromium`, or `electron`; anything else is a mistake worth stopping for. */
export function appTarget(env: NodeJS.ProcessEnv = process.env): AppTarget {
  const value = env.FIELDLINE_E2E_TARGET;
  if (value === undefined || value === '' || value === 'chromium') return 'chromium';
  if (value === 'electron') return 'electron';
  throw new Error(`FIELDLINE_E2E_TARGET must be "chromium" or "electron", not "${value}"`);
}

/** The Electron executable, or `undefined`: the `electron` package throws when its binary was never downloaded. */
export function findElectronBinary(): string | undefined {
  try {
    const binary: unknown = createRequire(import.meta.url)('electron');
    return typeof binary === 'string' && existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why the journeys cannot run against this target here, or `undefined` when they can. Only the
 * Electron target can be missing something: its binary (not downloadable on every machine) or a
 * display for its window.
 */
export function appSkipReason(target: AppTarget = appTarget()): string | undefined {
  if (target === 'chromium') return undefined;
  if (findElectronBinary() === undefined) {
    return 'skipped: the Electron binary is not installed (it cannot be downloaded on this machine)';
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return 'skipped: no display for the Electron window (set DISPLAY, e.g. run under xvfb-run)';
  }
  return undefined;
}

/** A suite title that carries the skip reason, so a skipped journey says why in the report. */
export function titleWithSkipReason(title: string, reason: string | undefined): string {
  return reason === undefined ? title : `${title} (${reason})`;
}

export function startAppUnderTest(
  options: AppUnderTestOptions,
  target: AppTarget = appTarget(),
): Promise<AppUnderTest> {
  return target === 'electron' ? launchElectronApp(options) : openStationInChromium(options);
}

async function openStationInChromium(options: AppUnderTestOptions): Promise<AppUnderTest> {
  const station = await startStationProcess(options.dataDir, {
    ...(options.stationArgs === undefined ? {} : { args: options.stationArgs }),
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const { page, errors } = await openWatchedPage(browser, options.viewport);
    const openedBrowser = browser;
    return {
      target: 'chromium',
      page,
      errors,
      dataDir: options.dataDir,
      station,
      // The URL carries this run's token; the view goes after it as a hash.
      open: async (hash = '') => {
        await page.goto(`${station.url}${hash}`);
      },
      close: async () => {
        await openedBrowser.close();
        await station.stop();
      },
    };
  } catch (error: unknown) {
    await browser?.close();
    await station.stop();
    throw error;
  }
}

async function launchElectronApp(options: AppUnderTestOptions): Promise<AppUnderTest> {
  const executablePath = findElectronBinary();
  if (executablePath === undefined) throw new Error(appSkipReason('electron'));
  if (!existsSync(ELECTRON_MAIN_BUNDLE)) {
    throw new Error(`${ELECTRON_MAIN_BUNDLE} is missing: run \`npm run build\` before the Electron journeys`);
  }
  const electronApp = await _electron.launch({
    executablePath,
    // Inside in-private-network.sh we are root in a user namespace, where Chromium refuses to start
    // with its sandbox; the renderer sandbox itself is checked by main-window.test.ts, not here.
    args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), REPO_ROOT, `--data-dir=${options.dataDir}`],
    cwd: REPO_ROOT,
    env: { ...stringEnv(process.env), ...options.env },
  });
  try {
    const page = await electronApp.firstWindow();
    const errors = watchErrors(page);
    if (options.viewport !== undefined) await resizeWindow(electronApp, page, options.viewport);
    return {
      target: 'electron',
      page,
      errors,
      dataDir: options.dataDir,
      station: undefined,
      // Loading it again after the listeners are on means the journey's page load is watched too.
      open: async (hash = '') => {
        await page.goto(`${APP_ENTRY_URL}${hash}`);
      },
      close: () => electronApp.close(),
    };
  } catch (error: unknown) {
    await electronApp.close();
    throw error;
  }
}

/** What openWatchedPage collects, for a page we did not open ourselves (the app's own window). */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return errors;
}

/** The window itself is resized (not an emulated viewport), so the app lays out as a user would see it. */
async function resizeWindow(
  electronApp: ElectronApplication,
  page: Page,
  size: { width: number; height: number },
): Promise<void> {
  const window = await electronApp.browserWindow(page);
  await window.evaluate(
    (browserWindow: { setContentSize(width: number, height: number): void }, { width, height }) =>
      browserWindow.setContentSize(width, height),
    size,
  );
}

/** `_electron.launch` wants string values; process.env may hold `undefined` ones. */
function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
