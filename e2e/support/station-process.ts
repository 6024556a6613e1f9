import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface StationProcess {
  url: string;
  origin: string;
  /** The station's process id, e.g. to signal it. */
  pid: number | undefined;
  stop(): Promise<void>;
  /** Everything the process wrote to stderr so far (after `stop()`: all of it). */
  stderr(): string;
}

export interface StationProcessOptions {
  /** More `npm run station` flags, e.g. `--no-mdns`. */
  args?: string[];
  /** Extra environment, e.g. FIELDLINE_SERIAL_GLOBS for the lab's ptys. */
  env?: Record<string, string>;
}

/** Starts `npm run station`'s entry point as a real process on a free port and waits for its URL line. */
export async function startStationProcess(dataDir: string, options: StationProcessOptions = {}): Promise<StationProcess> {
  const child = spawn(process.execPath, ['bin/station.mjs', '--port', '0', '--data-dir', dataDir, ...(options.args ?? [])], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const url = await readUrlLine(child, stderr);
  return { url, origin: new URL(url).origin, pid: child.pid, stop: () => stopProcess(child), stderr: () => stderr.join('') };
}

async function readUrlLine(child: ChildProcess, stderr: string[]): Promise<string> {
  const lines = createInterface({ input: child.stdout! });
  const timeout = setTimeout(() => child.kill('SIGKILL'), 30_000);
  try {
    for await (const line of lines) {
      const match = /^Fieldline station: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/.exec(line);
      if (match?.[1]) return match[1];
    }
    throw new Error(`the station exited without printing its URL: ${stderr.join('')}`);
  } finally {
    clearTimeout(timeout);
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Runs the real `fieldline` bin once and returns its stdout. */
export async function runFieldline(args: string[]): Promise<string> {
  const child = spawn(process.execPath, ['bin/fieldline.mjs', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`fieldline ${args.join(' ')} exited ${String(code)}: ${Buffer.concat(err).toString()}`);
  return Buffer.concat(out).toString();
}
