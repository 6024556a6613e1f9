import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropPostgresSchema } from '../../src/db/postgres-database';
import { startFleetServer, type FleetServerConfig, type RunningFleetServer } from '../../src/server/start-fleet-server';

export interface TestServer extends RunningFleetServer {
  dataDir: string;
  /** The fleet CA as PEM: what a station pins. */
  caPem: string;
}

/**
 * A real fleet server on 127.0.0.1 with a free port and a fresh data folder. Against PGlite (in
 * memory) by default; when DATABASE_URL is set, in a schema of its own that `close` drops, so runs
 * and parallel test files never see each other's rows.
 */
export async function startTestServer(overrides: Partial<FleetServerConfig> = {}): Promise<TestServer> {
  const dataDir = overrides.dataDir ?? (await mkdtemp(join(tmpdir(), 'fleet-test-')));
  // An explicit `databaseUrl: undefined` asks for embedded PGlite even when DATABASE_URL is set.
  const databaseUrl = 'databaseUrl' in overrides ? overrides.databaseUrl : process.env['DATABASE_URL'];
  const schema = databaseUrl === undefined ? undefined : `fleet_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const server = await startFleetServer({
    dataDir,
    host: '127.0.0.1',
    port: 0,
    databaseUrl,
    databaseSchema: schema,
    isDatabaseInMemory: true,
    logLevel: process.env['FLEET_TEST_LOG_LEVEL'] ?? 'silent',
    ...overrides,
  });
  return {
    ...server,
    dataDir,
    caPem: server.pki.fleetCa.certificate.toString('pem'),
    async close() {
      await server.close();
      if (databaseUrl !== undefined && schema !== undefined) await dropPostgresSchema(databaseUrl, schema);
      if (overrides.dataDir === undefined) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
