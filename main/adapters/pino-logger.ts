import pino from 'pino';
import type { Logger } from '../core/ports/logger';

/** Field names whose values never reach a log: keys, tokens and passwords (architecture.md, "Errors and logs"). */
export const REDACTED_FIELDS = ['token', 'password', 'pin', 'secret', 'privateKey', 'authorization', 'bootstrapToken'];

export interface PinoLoggerOptions {
  /** A file path for JSON lines, or the string `stderr`. */
  destination: string;
  level?: 'debug' | 'info' | 'warn' | 'error' | 'silent';
}

export interface ClosableLogger {
  logger: Logger;
  /** Flushes and closes the destination file; the logger must not be used afterwards. */
  close(): void;
}

/**
 * JSON-lines logging through pino, with secrets redacted up to two levels deep. Writes are synchronous:
 * the volume is small and a log line that explains a crash must not be lost in a buffer.
 */
export function createPinoLogger(options: PinoLoggerOptions): ClosableLogger {
  const paths = REDACTED_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]);
  const destination =
    options.destination === 'stderr' ? pino.destination({ fd: 2, sync: true }) : pino.destination({ dest: options.destination, mkdir: true, sync: true });
  const logger = pino({ level: options.level ?? 'info', redact: { paths, censor: '[redacted]' } }, destination);
  return {
    logger,
    close: () => {
      if (options.destination !== 'stderr') destination.end();
    },
  };
}
