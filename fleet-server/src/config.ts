import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { AppError, toAppError } from '../../shared/errors';
import type { Pkcs11CaConfig } from './pki/certificate-authority';
import { pkiPaths } from './pki/development-pki';
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
  /** The device CA's key in a PKCS#11 token: module path, token label, key label, user PIN (or a file holding it). */
  FLEET_DEVICE_CA_PKCS11_MODULE: z.string().min(1).optional(),
  FLEET_DEVICE_CA_PKCS11_TOKEN: z.string().min(1).optional(),
  FLEET_DEVICE_CA_PKCS11_KEY: z.string().min(1).optional(),
  FLEET_DEVICE_CA_PKCS11_PIN: z.string().min(1).optional(),
  FLEET_DEVICE_CA_PKCS11_PIN_FILE: z.string().min(1).optional(),
  /** The token key's CA certificate (PEM); default `<data-dir>/pki/device-ca.crt`. */
  FLEET_DEVICE_CA_CERTIFICATE: z.string().min(1).optional(),
});

type EnvVars = z.infer<typeof envSchema>;

/**
 * The device CA's token, when FLEET_DEVICE_CA_PKCS11_MODULE is set. A partial setting is an error
 * rather than a silent fall-back to the development key file.
 */
function resolveDeviceCaPkcs11(vars: EnvVars, dataDir: string, cwd: string): Pkcs11CaConfig | undefined {
  const modulePath = vars.FLEET_DEVICE_CA_PKCS11_MODULE;
  const tokenLabel = vars.FLEET_DEVICE_CA_PKCS11_TOKEN;
  const keyLabel = vars.FLEET_DEVICE_CA_PKCS11_KEY;
  const related = ['FLEET_DEVICE_CA_PKCS11_TOKEN', 'FLEET_DEVICE_CA_PKCS11_KEY', 'FLEET_DEVICE_CA_PKCS11_PIN', 'FLEET_DEVICE_CA_PKCS11_PIN_FILE', 'FLEET_DEVICE_CA_CERTIFICATE'] as const;
  if (modulePath === undefined) {
    const stray = related.filter((name) => vars[name] !== undefined);
    if (stray.length > 0) throw new AppError('INVALID_INPUT', `${stray.join(', ')} set without FLEET_DEVICE_CA_PKCS11_MODULE`, { details: { variables: stray } });
    return undefined;
  }
  const missing = [tokenLabel === undefined ? 'FLEET_DEVICE_CA_PKCS11_TOKEN' : null, keyLabel === undefined ? 'FLEET_DEVICE_CA_PKCS11_KEY' : null].filter((name) => name !== null);
  if (tokenLabel === undefined || keyLabel === undefined) throw new AppError('INVALID_INPUT', `FLEET_DEVICE_CA_PKCS11_MODULE needs ${missing.join(' and ')}`, { details: { variables: missing } });
  if ((vars.FLEET_DEVICE_CA_PKCS11_PIN === undefined) === (vars.FLEET_DEVICE_CA_PKCS11_PIN_FILE === undefined)) {
    throw new AppError('INVALID_INPUT', 'set exactly one of FLEET_DEVICE_CA_PKCS11_PIN and FLEET_DEVICE_CA_PKCS11_PIN_FILE');
  }
  let pin = vars.FLEET_DEVICE_CA_PKCS11_PIN;
  if (pin === undefined && vars.FLEET_DEVICE_CA_PKCS11_PIN_FILE !== undefined) {
    const pinFile = resolve(cwd, vars.FLEET_DEVICE_CA_PKCS11_PIN_FILE);
    try {
      pin = readFileSync(pinFile, 'utf8').replace(/\r?\n$/, '');
    } catch (error: unknown) {
      throw new AppError('INVALID_INPUT', `the PIN file ${pinFile} cannot be read`, { cause: error, details: { path: pinFile } });
    }
  }
  return {
    modulePath,
    tokenLabel,
    keyLabel,
    pin: pin ?? '',
    certificatePath: resolve(cwd, vars.FLEET_DEVICE_CA_CERTIFICATE ?? pkiPaths(dataDir).deviceCa.certificate),
  };
}

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
  const dataDir = resolve(cwd, flags.dataDir ?? vars.FLEET_DATA_DIR ?? '.fleet-data');
  const deviceCaPkcs11 = resolveDeviceCaPkcs11(vars, dataDir, cwd);
  return {
    dataDir,
    host: flags.host ?? vars.FLEET_HOST ?? '127.0.0.1',
    port,
    databaseUrl: vars.DATABASE_URL,
    logLevel: flags.logLevel ?? vars.FLEET_LOG_LEVEL ?? 'info',
    ...(deviceCaPkcs11 === undefined ? {} : { deviceCaPkcs11 }),
    hostNames: vars.FLEET_HOSTNAMES?.split(',').map((name) => name.trim()).filter((name) => name !== '') ?? ['localhost', '127.0.0.1', '::1'],
  };
}
