import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Debian's Chromium (or FIELDLINE_CHROMIUM). Playwright's own browser download cannot run on our
 * machines, so we never rely on it.
 */
export function findChromium(): string {
  const candidates = [process.env.FIELDLINE_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find((path): path is string => path !== undefined && path !== '' && existsSync(path));
  if (found === undefined) {
    throw new Error('No Chromium found: install Debian’s `chromium` package or set FIELDLINE_CHROMIUM to a Chromium binary.');
  }
  return found;
}

/** Headless Chromium with background networking off, so it talks to nothing but the page under test. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: findChromium(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-default-apps',
    ],
  });
}

/**
 * Opens a page that collects every script error and console error into `errors`, so a journey can end
 * by asserting that the UI raised none (a CSP violation shows up as a console error).
 */
export async function openWatchedPage(browser: Browser, viewport?: { width: number; height: number }): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage(viewport === undefined ? {} : { viewport });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return { page, errors };
}
