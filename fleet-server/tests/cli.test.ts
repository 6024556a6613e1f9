import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpsRequest } from './helpers/https-client';
import { createCsr } from './helpers/station-client';

const packageDir = join(import.meta.dirname, '..');
const cli = [join(packageDir, 'node_modules/.bin/tsx'), join(packageDir, '../node_modules/.bin/tsx')];
let tsx = '';
let dataDir = '';
let server: ChildProcess | undefined;

function cliEnv(): NodeJS.ProcessEnv {
  // The CLI must use embedded PGlite here whatever the surrounding test run uses.
  const { DATABASE_URL: _url, ...env } = process.env;
  return { ...env, FLEET_DATA_DIR: dataDir, FLEET_PORT: '0', FLEET_HOST: '127.0.0.1' };
}

function runCli(...args: string[]) {
  return promisify(execFile)(tsx, ['src/cli.ts', ...args], { cwd: packageDir, env: cliEnv() });
}

/** Starts `serve` and resolves with its URL once it logs that it listens. */
async function startServe(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(tsx, ['src/cli.ts', 'serve'], { cwd: packageDir, env: cliEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
  for await (const line of createInterface({ input: child.stdout })) {
    const entry = JSON.parse(line) as { msg?: string; url?: string };
    if (entry.msg === 'fleet server listening' && entry.url !== undefined) return { child, url: entry.url };
  }
  throw new Error('serve exited before listening');
}

beforeAll(async () => {
  for (const candidate of cli) {
    if (await access(candidate).then(() => true, () => false)) tsx = candidate;
  }
  dataDir = await mkdtemp(join(tmpdir(), 'fleet-cli-'));
});
afterAll(async () => {
  if (server?.exitCode === null) {
    server.kill('SIGKILL');
    await once(server, 'exit');
  }
  await rm(dataDir, { recursive: true, force: true });
});

describe('fleet-server CLI', () => {
  it('serves with PGlite on disk, takes admin commands over its socket, and stops cleanly', async () => {
    const started = await startServe();
    server = started.child;
    const { stdout } = await runCli('create-bootstrap-token', '--station-id', 'cli-station', '--json');
    const { token } = JSON.parse(stdout) as { token: string };
    expect(token).toMatch(/^flbt_/);

    const caPem = await readFile(join(dataDir, 'pki/fleet-ca.crt'), 'utf8');
    const { csrPem } = await createCsr('cli-station');
    const enrolled = await httpsRequest(started.url, { method: 'POST', path: '/enroll/station', caPem, body: { token, csr: csrPem } });
    expect(enrolled.status).toBe(201);

    // A second server on the same embedded database would corrupt it: refused.
    const second = await runCli('serve').then(
      () => 'started',
      (error: { stderr: string }) => error.stderr,
    );
    expect(second).toContain('DATA_DIR_UNUSABLE');

    server.kill('SIGTERM');
    const [code] = (await once(server, 'exit')) as [number | null];
    expect(code).toBe(0);
    await expect(access(join(dataDir, 'pglite.lock'))).rejects.toThrow();
  });

  it('opens the database itself when no server runs, and reports errors as typed JSON', async () => {
    const { stdout } = await runCli('revoke-station', 'cli-station', '--json');
    expect(JSON.parse(stdout)).toMatchObject({ stationId: 'cli-station', revokedSerials: [expect.any(String)] });
    const failure = await runCli('revoke-certificate', 'abcdef').then(
      () => '',
      (error: { stderr: string; code: number }) => `${error.code} ${error.stderr}`,
    );
    expect(failure).toMatch(/^1 \{"error":\{"code":"NOT_FOUND"/);
  });
});
