import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

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
