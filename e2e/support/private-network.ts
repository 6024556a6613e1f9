import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const IN_PRIVATE_NETWORK_SCRIPT = fileURLToPath(new URL('./in-private-network.sh', import.meta.url));

/** Whether this process already runs in a namespace whose only interface is loopback. */
export function isInPrivateNetwork(): boolean {
  const interfaces = readFileSync('/proc/net/dev', 'utf8')
    .split('\n')
    .slice(2)
    .map((line) => line.split(':')[0]?.trim())
    .filter((name): name is string => name !== undefined && name !== '');
  return interfaces.length === 1 && interfaces[0] === 'lo';
}

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command inside a fresh private network namespace (see in-private-network.sh) and collects its
 * output. Network-touching suites (mDNS, fleet sync under faults) run through this, so their traffic
 * cannot leave the namespace, and the namespace is gone when the command exits.
 */
export function runInPrivateNetwork(command: string, args: string[], timeoutMs = 120_000): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(IN_PRIVATE_NETWORK_SCRIPT, [command, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() });
    });
  });
}
