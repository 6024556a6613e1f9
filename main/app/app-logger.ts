import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createPinoLogger, type ClosableLogger } from '../adapters/pino-logger';

/**
 * JSON lines in `<dataDir>/logs/electron.log` (where the runtime would put them too), created before
 * the app is ready so that the navigation guard and startup failures are logged as well.
 */
export function createAppLogger(dataDir: string): ClosableLogger {
  const logFile = path.join(dataDir, 'logs', 'electron.log');
  try {
    mkdirSync(path.dirname(logFile), { recursive: true });
  } catch {
    // Not swallowed: opening the runtime fails on the same folder moments later with DATA_DIR_UNUSABLE,
    // which is then logged here on stderr and shown in a dialog.
    return createPinoLogger({ destination: 'stderr' });
  }
  return createPinoLogger({ destination: logFile });
}
