import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** The version from the root package.json, read once. */
export function readAppVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return z.object({ version: z.string() }).parse(JSON.parse(text)).version;
}
