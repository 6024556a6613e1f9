import { resolve } from 'node:path';
import { z } from 'zod';
import { toAppError } from '../../shared/errors';
import type { FleetServerConfig } from './server/start-fleet-server';

/** Flags the CLI accepts; each falls back to an environment variable, then to a default. */
export interface ConfigFlags {
  dataDir?: string | undefined;
  host?: string | undefined;
  port?: string | undefined;
  logLevel?: string | undefined;
}

const envSchema = z.object({
  FLEET_DATA_DIR: z.string().min(1).optional(),
  FLEET_HOST: z.string().min(1).optional(),
  FLEET_PORT: z.string().regex(/^\d{1,5}$/).optional(),
  FLEET_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  /** Comma-separated names for the development server certificate. */
  FLEET_HOSTNAMES: z.string().min(1).optional(),
  DATABASE_URL: z.string().min(1).optional(),
});

/**
 * The server's configuration. It listens on 127.0.0.1 unless told otherwise, so a development
 * server is not reachable from the network by accident.
 */
export function resolveServerConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv, cwd: string): FleetServerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw toAppError(parsed.error);
  const vars = parsed.data;
  const port = Number(flags.port ?? vars.FLEET_PORT ?? '8443');
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw toAppError(new RangeError(`invalid port ${String(flags.port)}`), 'INVALID_INPUT');
  return {
    dataDir: resolve(cwd, flags.dataDir ?? vars.FLEET_DATA_DIR ?? '.fleet-data'),
    host: flags.host ?? vars.FLEET_HOST ?? '127.0.0.1',
    port,
    databaseUrl: vars.DATABASE_URL,
    logLevel: flags.logLevel ?? vars.FLEET_LOG_LEVEL ?? 'info',
    hostNames: vars.FLEET_HOSTNAMES?.split(',').map((name) => name.trim()).filter((name) => name !== '') ?? ['localhost', '127.0.0.1', '::1'],
  };
}
