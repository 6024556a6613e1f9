import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TemporaryPostgres {
  /** postgresql://fleet@127.0.0.1:<port>/postgres */
  url: string;
  /** e.g. "PostgreSQL 15.x" */
  version: string;
  stop(): void;
}

/** Debian's server binaries (`postgresql` package): PG_BIN, else the newest /usr/lib/postgresql/<n>/bin. */
function findPgBin(): string {
  const fromEnv = process.env['PG_BIN'];
  if (fromEnv !== undefined && existsSync(join(fromEnv, 'initdb'))) return fromEnv;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((name) => existsSync(join(root, name, 'bin', 'initdb'))) : [];
  const newest = versions.sort((a, b) => Number(a) - Number(b)).at(-1);
  if (newest === undefined) throw new Error('PostgreSQL server binaries not found (apt-get install postgresql, or set PG_BIN, or DATABASE_URL)');
  return join(root, newest, 'bin');
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts a throwaway PostgreSQL cluster listening on 127.0.0.1 only, with the server's default
 * durability (fsync and synchronous commit on: unlike the test script, a benchmark must not flatter the
 * database). The cluster and its folder are removed by `stop`, and also if the process exits or is
 * interrupted first. As root, initdb refuses to run, so the cluster belongs to the `postgres` account.
 */
export async function startTemporaryPostgres(): Promise<TemporaryPostgres> {
  const pgBin = findPgBin();
  const dir = mkdtempSync(join(tmpdir(), 'fleet-bench-pg-'));
  const isRoot = process.getuid?.() === 0;
  if (isRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const run = (program: string, args: string[]): string => {
    const binary = join(pgBin, program);
    const [command, commandArgs] = isRoot ? ['runuser', ['-u', 'postgres', '--', binary, ...args]] : [binary, args];
    return execFileSync(command, commandArgs, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  };
  const dataDir = join(dir, 'data');
  let isRunning = false;
  const stop = (): void => {
    process.off('exit', stop);
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    try {
      if (isRunning) run('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
    } finally {
      isRunning = false;
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const interrupted = (): void => {
    stop();
    process.exit(130);
  };
  process.once('exit', stop);
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    run('initdb', ['-D', dataDir, '-U', 'fleet', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8']);
    const port = await freeLoopbackPort();
    // trust authentication is acceptable only because the cluster listens on loopback, for this run.
    run('pg_ctl', ['-D', dataDir, '-w', '-l', join(dir, 'server.log'), '-o', `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir}`, 'start']);
    isRunning = true;
    const version = run('postgres', ['--version']).trim();
    return { url: `postgresql://fleet@127.0.0.1:${port}/postgres`, version, stop };
  } catch (error: unknown) {
    stop();
    throw error;
  }
}
