import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { labBundle } from '../flash/flash-test-bundle';

/** The example recipe's folder (resources/recipes/lab-sensor). */
export const EXAMPLE_RECIPE_FOLDER = fileURLToPath(new URL('../../resources/recipes/lab-sensor/', import.meta.url));
/** Where the recipe's `bundle.path` points, relative to its folder. */
export const EXAMPLE_BUNDLE_PATH = 'firmware/lab-sensor-2.1.0.fwb';
export const EXAMPLE_FIRMWARE_VERSION = '2.1.0';

/**
 * Writes the example recipe's bundle into a recipe folder: firmware 2.1.0 for the lab's
 * fieldline-lab-nrf52840, its image signed with the development image key, the manifest with the
 * development release key (so the development trust store accepts it). `expiresAt` far ahead for the
 * copy committed under resources/; tests write a fresh one.
 */
export async function writeExampleBundle(folder: string, expiresAt?: string): Promise<string> {
  const path = join(folder, EXAMPLE_BUNDLE_PATH);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, labBundle({ version: EXAMPLE_FIRMWARE_VERSION, bodyBytes: 32_000, ...(expiresAt === undefined ? {} : { expiresAt }) }).bytes);
  return path;
}
