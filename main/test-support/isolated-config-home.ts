import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Vitest global setup: points XDG_CONFIG_HOME at a fresh folder for the whole run, so nothing a test
 * starts (the CLI, a station process) writes the local key vault's key file into the real home
 * directory. Child processes inherit it; the folder is removed when the run ends.
 */
export default function isolateConfigHome(): () => void {
  const folder = mkdtempSync(join(tmpdir(), 'fieldline-config-home-'));
  const previous = process.env.XDG_CONFIG_HOME;
  process.env.XDG_CONFIG_HOME = folder;
  return () => {
    if (previous === undefined) delete process.env.XDG_CONFIG_HOME;
    else process.env.XDG_CONFIG_HOME = previous;
    rmSync(folder, { recursive: true, force: true });
  };
}
