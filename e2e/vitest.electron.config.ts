import { defineConfig } from 'vitest/config';

// The journeys that run in both shells (e2e/support/app-under-test.ts), against the built Electron app
// under Playwright's `_electron`. Where the Electron binary (or a display) is missing, each file skips
// as a whole and its suite title says why; the verbose reporter prints those titles.
export default defineConfig({
  test: {
    include: [
      'e2e/specs/first-journey.e2e.ts',
      'e2e/specs/device-detail.e2e.ts',
      'e2e/specs/firmware-flash.e2e.ts',
      'e2e/specs/provision.e2e.ts',
    ],
    env: { FIELDLINE_E2E_TARGET: 'electron' },
    reporters: ['verbose'],
    testTimeout: 60_000,
    // Starting Electron and its runtime takes longer than a station process.
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
    // Keeps the local key vault's key file, and Electron's userData, out of the real home.
    globalSetup: ['main/test-support/isolated-config-home.ts'],
  },
});
