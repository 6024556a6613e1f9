import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/fieldline.mjs', import.meta.url));

export interface CliProcessRun {
  code: number | null;
  /** stdout's JSON lines (with --json), parsed. */
  lines: Record<string, unknown>[];
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `fieldline` binary (bin/fieldline.mjs) as its own process with exactly `env` on top of
 * this one's PATH/HOME, so settings that come from the environment are tested the way a technician
 * sets them. Fails the run after `timeoutMs` (the process is killed, never left behind).
 */
export async function runFieldline(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<CliProcessRun> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode) => resolve(exitCode));
  }).finally(() => clearTimeout(timer));
  const lines = stdout
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { code, lines, stdout, stderr };
}
