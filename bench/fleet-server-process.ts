import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** One ingest request as the server logged it (fastify's `request completed` line). */
export interface LoggedRequest {
  url: string;
  statusCode: number;
  responseTimeMs: number;
}

export interface FleetServerProcess {
  url: string;
  /** The fleet CA (PEM) a station pins. */
  caPem: string;
  /** Requests completed so far, from the server's own log. */
  completed: LoggedRequest[];
  stop(): Promise<void>;
}

interface LogLine {
  msg?: string;
  url?: string;
  res?: { statusCode?: number };
  req?: { url?: string };
  responseTime?: number;
  reqId?: string;
}

/**
 * The fleet server as it is deployed: its own process (`fleet-server serve`), its own event loop and
 * core, JSON logs on stdout at the default level, PostgreSQL through `DATABASE_URL`.
 */
export async function startFleetServerProcess(options: { dataDir: string; databaseUrl: string }): Promise<FleetServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'fleet-server/src/cli.ts', 'serve', '--data-dir', options.dataDir, '--port', '0'], {
    cwd: REPO_ROOT,
    env: { ...process.env, DATABASE_URL: options.databaseUrl, FLEET_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const completed: LoggedRequest[] = [];
  const urls = new Map<string, string>();
  const listening = new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the fleet server exited (${String(code)}) before listening: ${stderr}`)));
    createInterface({ input: child.stdout }).on('line', (text) => {
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        return;
      }
      if (line.msg === 'fleet server listening' && line.url !== undefined) resolve(line.url);
      if (line.msg === 'incoming request' && line.reqId !== undefined && line.req?.url !== undefined) urls.set(line.reqId, line.req.url);
      if (line.msg === 'request completed' && line.reqId !== undefined && line.responseTime !== undefined) {
        completed.push({ url: urls.get(line.reqId) ?? '', statusCode: line.res?.statusCode ?? 0, responseTimeMs: line.responseTime });
        urls.delete(line.reqId);
      }
    });
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const url = await listening;
    return { url, caPem: readFileSync(join(options.dataDir, 'pki', 'fleet-ca.crt'), 'utf8'), completed, stop };
  } catch (error: unknown) {
    await stop();
    throw error;
  }
}
