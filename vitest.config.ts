import { defineConfig } from 'vitest/config';

// Unit and integration tests live beside the code (`*.test.ts`). Playwright journeys in e2e/specs run
// separately (`npm run test:e2e`) because they need the built renderer and a browser.
export default defineConfig({
  test: {
    include: ['{main,shared,renderer,e2e,bench,fleet-server}/**/*.test.{ts,tsx}'],
    exclude: ['**/node_modules/**', 'e2e/specs/**'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Keeps the local key vault's key file (and anything else under ~/.config) out of the real home.
    globalSetup: ['main/test-support/isolated-config-home.ts'],
  },
});
