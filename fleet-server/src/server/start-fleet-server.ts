import { X509Certificate } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import type { DestinationStream } from 'pino';
import { listenAdminSocket } from '../admin/admin-socket';
import type { Database } from '../db/database';
import { lockDataDir } from '../db/data-dir-lock';
import { migrate } from '../db/migrate';
import { openDatabase } from '../db/open-database';
import { createFleetApp } from '../http/create-app';
import type { FleetApp } from '../http/fleet-app';
import type { FleetContext } from '../http/fleet-context';
import { FleetMetrics } from '../observability/fleet-metrics';
import type { Pkcs11CaConfig } from '../pki/certificate-authority';
import { closePki, ensureDevelopmentPki, type FleetPki } from '../pki/development-pki';

export interface FleetServerConfig {
  /** PKI files, PGlite's files and the admin socket live here. */
  dataDir: string;
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** PostgreSQL connection string; PGlite in `dataDir` when absent. */
  databaseUrl?: string | undefined;
  /** Work inside this schema (test runs use one each). */
  databaseSchema?: string | undefined;
  /** Keep PGlite in memory instead of `dataDir` (tests). */
  isDatabaseInMemory?: boolean;
  /** Names the development server certificate is issued for. */
  hostNames?: string[];
  /** The device CA's key in a PKCS#11 token, with its certificate file; the development key file otherwise. */
  deviceCaPkcs11?: Pkcs11CaConfig | undefined;
  /** Listen on `<dataDir>/admin.sock` for CLI commands (default true). */
  hasAdminSocket?: boolean;
  logLevel?: string;
  logStream?: DestinationStream;
  nowMs?: () => number;
}

export interface RunningFleetServer {
  url: string;
  port: number;
  app: FleetApp;
  /** Registered routes as `METHOD /path`. */
  routes: string[];
  db: Database;
  pki: FleetPki;
  context: FleetContext;
  close(): Promise<void>;
}

/** Opens the database, migrates it, loads (or creates) the PKI, and listens. */
export async function startFleetServer(config: FleetServerConfig): Promise<RunningFleetServer> {
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const pki = await ensureDevelopmentPki(config.dataDir, config.hostNames ?? ['localhost', '127.0.0.1', '::1'], { deviceCaPkcs11: config.deviceCaPkcs11 });
  // Token sessions close last, after the listener and the database.
  const cleanups: (() => Promise<void>)[] = [() => closePki(pki)];
  const usesEmbeddedFiles = config.databaseUrl === undefined && config.isDatabaseInMemory !== true;
  let app: FleetApp | undefined;
  try {
    const lock = usesEmbeddedFiles ? await lockDataDir(config.dataDir) : undefined;
    if (lock !== undefined) cleanups.unshift(() => lock.release());
    const db = await openDatabase({
      dataDir: config.dataDir,
      isInMemory: config.isDatabaseInMemory === true,
      ...(config.databaseUrl === undefined ? {} : { databaseUrl: config.databaseUrl }),
      ...(config.databaseSchema === undefined ? {} : { schema: config.databaseSchema }),
      onConnectionError: (error) => app?.log.warn({ err: error }, 'database connection lost; the pool will reconnect'),
    });
    cleanups.unshift(() => db.close());
    await migrate(db);
    const context: FleetContext = {
      db,
      pki,
      fleetCaCertificate: new X509Certificate(pki.fleetCa.certificate.toString('pem')),
      deviceCaCertificate: new X509Certificate(pki.deviceCa.certificate.toString('pem')),
      metrics: new FleetMetrics(db),
      nowMs: config.nowMs ?? (() => Date.now()),
    };
    const created = createFleetApp(context, { logLevel: config.logLevel ?? 'info', logStream: config.logStream });
    app = created.app;
    const running = app;
    cleanups.unshift(() => running.close());
    await app.listen({ host: config.host, port: config.port });
    if (config.hasAdminSocket !== false) {
      const adminSocket = await listenAdminSocket(config.dataDir, { db, metrics: context.metrics });
      cleanups.unshift(() => adminSocket.close());
    }
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    return {
      url: `https://${host}:${port}`,
      port,
      app: running,
      routes: created.routes,
      db,
      pki,
      context,
      close: () => runCleanups(cleanups),
    };
  } catch (error: unknown) {
    await runCleanups(cleanups);
    throw error;
  }
}

/** Stops what was started, newest first; every step runs even if an earlier one fails. */
async function runCleanups(cleanups: (() => Promise<void>)[]): Promise<void> {
  const errors: unknown[] = [];
  for (const cleanup of cleanups) {
    try {
      await cleanup();
    } catch (error: unknown) {
      errors.push(error);
    }
  }
  if (errors.length > 0) throw new AggregateError(errors, 'fleet server did not stop cleanly');
}
