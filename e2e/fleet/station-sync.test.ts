import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { syncStatusSchema } from '../../shared/contract';
import { dropPostgresSchema } from '../../fleet-server/src/db/postgres-database';
import { createBootstrapToken } from '../../fleet-server/src/enrollment/bootstrap-tokens';
import { startTestServer, type TestServer } from '../../fleet-server/tests/helpers/test-server';
import { runCli } from '../../main/host/cli/run-cli';
import { makeTempDir } from '../../main/test-support/temp-dir';

let server: TestServer;
let station: ReturnType<typeof makeTempDir>;
let caFile: string;

beforeEach(async () => {
  server = await startTestServer();
  station = makeTempDir('fieldline-station-');
  caFile = join(station.path, 'fleet-ca.pem');
  writeFileSync(caFile, server.caPem);
});
afterEach(async () => {
  await server.close();
  station.remove();
});

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await runCli(['--data-dir', station.path, '--json', ...args], { stdout, stderr }, new AbortController().signal);
  return { code, stdout: out, stderr: err };
}

async function serverEventCount(): Promise<number> {
  const rows = await server.db.query<{ n: unknown }>('SELECT count(*) AS n FROM events');
  return Number(rows[0]?.n);
}

async function appendNotes(count: number): Promise<void> {
  for (let index = 0; index < count; index += 1) {
    expect((await cli('ledger', 'append', '--actor', 'tech', '--type', 'device.discovered', '--device', `dev-${index}`)).code).toBe(0);
  }
}

describe('a station syncing to the real fleet server over mutual TLS', () => {
  it('enrolls with a bootstrap token, delivers what was recorded offline, then keeps delivering', async () => {
    await appendNotes(3);
    const { token } = await createBootstrapToken(server.db, { ttlMinutes: 10 });
    const enrolled = await cli('sync', 'enroll', '--server', server.url, '--token', token, '--ca', caFile);
    expect(enrolled.stderr).toBe('');
    expect(syncStatusSchema.parse(JSON.parse(enrolled.stdout))).toMatchObject({ state: 'idle', pendingCount: 0, serverUrl: server.url, lastError: null });
    expect(await serverEventCount()).toBe(3);

    await appendNotes(2);
    const synced = await cli('sync');
    expect(JSON.parse(synced.stdout)).toMatchObject({ state: 'idle', pendingCount: 0 });
    expect(await serverEventCount()).toBe(5);
  });

  it('refuses a used or unknown token with the server’s error code', async () => {
    const result = await cli('sync', 'enroll', '--server', server.url, '--token', 'flbt_not-a-real-token-at-all', '--ca', caFile);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stderr)).toMatchObject({ error: { code: 'BOOTSTRAP_TOKEN_INVALID' } });
  });

  it('reports offline, keeps every record, and delivers once the server is back', async () => {
    // This server keeps its database in a folder (or, with DATABASE_URL, in one schema for both of its
    // lives), so it knows the station again after a restart.
    await server.close();
    const serverDir = makeTempDir('fleet-server-');
    const databaseUrl = process.env['DATABASE_URL'];
    const kept = databaseUrl === undefined ? {} : { databaseSchema: `fleet_restart_${process.pid}_${randomBytes(4).toString('hex')}` };
    try {
      server = await startTestServer({ dataDir: serverDir.path, isDatabaseInMemory: false, ...kept });
      writeFileSync(caFile, server.caPem);
      const { token } = await createBootstrapToken(server.db, { ttlMinutes: 10 });
      expect((await cli('sync', 'enroll', '--server', server.url, '--token', token, '--ca', caFile)).code).toBe(0);
      await appendNotes(4);
      const port = server.port;
      await server.close(); // the server goes away: the station is offline
      const offline = await cli('sync');
      expect(offline.code).toBe(0);
      expect(JSON.parse(offline.stdout)).toMatchObject({ state: 'offline', pendingCount: 4, lastError: expect.stringContaining('not reachable') as unknown });

      server = await startTestServer({ dataDir: serverDir.path, isDatabaseInMemory: false, port, ...kept });
      const back = await cli('sync');
      expect(JSON.parse(back.stdout)).toMatchObject({ state: 'idle', pendingCount: 0 });
      expect(await serverEventCount()).toBe(4);
    } finally {
      await server.close();
      if (databaseUrl !== undefined && kept.databaseSchema !== undefined) await dropPostgresSchema(databaseUrl, kept.databaseSchema);
      serverDir.remove();
      server = await startTestServer(); // afterEach closes one
    }
  });
});
