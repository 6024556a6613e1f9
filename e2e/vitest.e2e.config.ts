import { defineConfig } from 'vitest/config';

// Playwright journeys: real station processes, the built renderer, Debian's Chromium. Run one file at a
// time; each journey owns its browser and station.
export default defineConfig({
  test: {
    include: ['e2e/specs/**/*.e2e.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    pool: 'forks',
    // Keeps the local key vault's key file (and anything else under ~/.config) out of the real home.
    globalSetup: ['main/test-support/isolated-config-home.ts'],
  },
});
