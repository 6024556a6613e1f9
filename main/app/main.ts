/**
 * Entry point of the Electron main process (bundled to dist/electron/main.cjs). Everything it does
 * lives in fieldline-app.ts; here only what must be known before anything else: where the data is.
 */
import { app } from 'electron';
import { resolveDataDir } from '../host/data-dir';
import { createAppLogger } from './app-logger';
import { readDataDirFlag } from './data-dir-flag';
import { runFieldlineApp } from './fieldline-app';

const dataDir = resolveDataDir({
  flag: readDataDirFlag(process.argv),
  env: process.env,
  electronUserData: app.getPath('userData'),
});
const log = createAppLogger(dataDir);
// 'quit' comes after 'will-quit', where the runtime has already been closed.
app.on('quit', () => log.close());
runFieldlineApp({ bundleDir: __dirname, dataDir, logger: log.logger });
