import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';

/** Where the journeys' step screenshots land (e2e/artifacts is ignored by git; CI keeps it as artifacts). */
export const SCREENSHOTS = fileURLToPath(new URL('../artifacts/screenshots/', import.meta.url));

/** Saves `<journey>-<step>.png` of the whole page (or of one region) under e2e/artifacts/screenshots/. */
export async function screenshotStep(target: Page | Locator, journey: string, step: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = `${SCREENSHOTS}${journey}-${step}.png`;
  if ('goto' in target) await target.screenshot({ path, fullPage: true });
  else await target.screenshot({ path });
  return path;
}
