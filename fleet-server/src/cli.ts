import { mkdir, readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { AppError, presentError, toAppError } from '../../shared/errors';
import { runAdminCommand, type AdminCommandName } from './admin/admin-commands';
import { sendAdminCommand } from './admin/admin-socket';
import type { Database } from './db/database';
import { lockDataDir } from './db/data-dir-lock';
import { migrate } from './db/migrate';
import { openDatabase } from './db/open-database';
import { resolveServerConfig, type ConfigFlags } from './config';
import { startFleetServer, type FleetServerConfig } from './server/start-fleet-server';

const USAGE = `Usage: fleet-server <command> [options]

Commands:
  serve                          start the HTTPS server (PGlite in --data-dir unless DATABASE_URL is set)
  migrate                        apply database migrations and exit
  create-bootstrap-token         print a one-time station enrollment token
      --station-id <id>          only this station id may use it (needed to re-enroll a station)
      --ttl-minutes <n>          lifetime, default 1440
      --note <text>
  revoke-station <stationId>     revoke every certificate of a station
  revoke-certificate <serial>    revoke one certificate (hex serial)
  catalog-put <kind> <name> <file.json>
                                 publish a bundle manifest, recipe or trust anchor ({ pem, purpose })
  catalog-remove <kind> <name>   kinds: bundle, recipe, trust-anchor

Options: --data-dir <dir> (FLEET_DATA_DIR, default ./.fleet-data), --host (FLEET_HOST, default 127.0.0.1),
         --port (FLEET_PORT, default 8443), --log-level (FLEET_LOG_LEVEL), --json
Environment: DATABASE_URL, FLEET_HOSTNAMES (names for the development server certificate),
             FLEET_DEVICE_CA_PKCS11_MODULE/_TOKEN/_KEY/_PIN (or _PIN_FILE), FLEET_DEVICE_CA_CERTIFICATE
             (the device CA key in a PKCS#11 token; see the README)
`;

function print(value: unknown, isJson: boolean): void {
  if (isJson || typeof value !== 'object' || value === null) process.stdout.write(`${JSON.stringify(value, null, isJson ? 0 : 2)}\n`);
  else for (const [key, field] of Object.entries(value)) process.stdout.write(`${key}: ${typeof field === 'string' ? field : JSON.stringify(field)}\n`);
}

/** Opens the configured database (locking PGlite's folder), migrates it, runs `work`, closes it. */
async function withDatabase<T>(config: FleetServerConfig, work: (db: Database, applied: number[]) => Promise<T>): Promise<T> {
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const lock = config.databaseUrl === undefined ? await lockDataDir(config.dataDir) : undefined;
  try {
    const db = await openDatabase({ dataDir: config.dataDir, ...(config.databaseUrl === undefined ? {} : { databaseUrl: config.databaseUrl }) });
    try {
      return await work(db, await migrate(db));
    } finally {
      await db.close();
    }
  } finally {
    await lock?.release();
  }
}

/** Runs an admin command in the running server if there is one, else against the database itself. */
async function runAdmin(flags: ConfigFlags, name: AdminCommandName, input: unknown): Promise<unknown> {
  const config = resolveServerConfig(flags, process.env, process.cwd());
  const viaServer = await sendAdminCommand(config.dataDir, name, input);
  if (viaServer !== undefined) return viaServer;
  return withDatabase(config, (db) => runAdminCommand({ db }, name, input));
}

async function serve(flags: ConfigFlags): Promise<void> {
  const server = await startFleetServer(resolveServerConfig(flags, process.env, process.cwd()));
  server.app.log.info({ url: server.url, database: server.db.kind }, 'fleet server listening');
  const stop = (signal: string): void => {
    server.app.log.info({ signal }, 'stopping');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        server.app.log.error({ err: error }, 'stopped with errors');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'log-level': { type: 'string' },
      'station-id': { type: 'string' },
      'ttl-minutes': { type: 'string' },
      note: { type: 'string' },
      reason: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const flags: ConfigFlags = { dataDir: values['data-dir'], host: values.host, port: values.port, logLevel: values['log-level'] };
  const [command, argument] = positionals;
  const reason = values.reason === undefined ? undefined : Number(values.reason);
  switch (command) {
    case 'serve':
      return serve(flags);
    case 'migrate': {
      const config = resolveServerConfig(flags, process.env, process.cwd());
      return print(await withDatabase(config, (_db, applied) => Promise.resolve({ applied })), values.json);
    }
    case 'create-bootstrap-token': {
      const ttl = values['ttl-minutes'] === undefined ? undefined : Number(values['ttl-minutes']);
      return print(await runAdmin(flags, command, { stationId: values['station-id'], ttlMinutes: ttl, note: values.note }), values.json);
    }
    case 'revoke-station':
      return print(await runAdmin(flags, command, { stationId: argument, reason }), values.json);
    case 'revoke-certificate':
      return print(await runAdmin(flags, command, { serial: argument, reason }), values.json);
    case 'catalog-put': {
      const [, kind, name, file] = positionals;
      if (file === undefined) throw new AppError('INVALID_INPUT', 'usage: catalog-put <kind> <name> <file.json>');
      const body = JSON.parse(await readFile(file, 'utf8')) as unknown;
      return print(await runAdmin(flags, command, { kind, name, body }), values.json);
    }
    case 'catalog-remove': {
      const [, kind, name] = positionals;
      return print(await runAdmin(flags, command, { kind, name }), values.json);
    }
    default:
      process.stdout.write(USAGE);
      if (!values.help && command !== 'help') throw new AppError('UNKNOWN_COMMAND', `unknown command: ${command ?? '(none)'}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const appError = toAppError(error);
  process.stderr.write(`${JSON.stringify({ error: appError.toJSON(), ...presentError(appError.code) })}\n`);
  process.exitCode = 1;
});
