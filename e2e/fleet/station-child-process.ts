import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { SyncStep } from '../../main/core/sync/ledger-sync';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD_ENTRY = fileURLToPath(new URL('./station-sync-child.ts', import.meta.url));

const stepKinds = ['batch-read', 'batch-answered', 'batch-acknowledged', 'requeued'] as const;

/** What the child does: one sync pass (optionally dying at a step), or appending events. */
export const childCommandSchema = z.discriminatedUnion('mode', [
  z.object({
    mode: z.literal('sync'),
    dataDir: z.string(),
    /** SIGKILL itself at the `occurrence`-th step of this kind (1-based). */
    killAt: z.object({ kind: z.enum(stepKinds), occurrence: z.number().int().positive() }).optional(),
  }),
  z.object({ mode: z.literal('append'), dataDir: z.string(), count: z.number().int().positive() }),
]);

export type ChildCommand = z.infer<typeof childCommandSchema>;

/** One line of the child's output. */
export type ChildLine =
  | { step: SyncStep }
  | { appended: number }
  | { done: { acknowledged: number; pendingAfter: number } }
  | { error: { code: string; message: string } };

export interface ChildRun {
  /** The running process, for a parent that kills it from outside. */
  process: ChildProcess;
  /** Called for each line as it arrives. */
  onLine(listener: (line: ChildLine) => void): void;
  /** Resolves when the process has exited. */
  exited: Promise<ChildOutcome>;
}

export interface ChildOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  lines: ChildLine[];
  stderr: string;
}

/** Starts `station-sync-child.ts` as a real Node process (through tsx, as `fieldline` runs). */
export function startStationChild(command: ChildCommand): ChildRun {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD_ENTRY, JSON.stringify(command)], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: ChildLine[] = [];
  const listeners: ((line: ChildLine) => void)[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const reader = createInterface({ input: child.stdout });
  reader.on('line', (text) => {
    const line = JSON.parse(text) as ChildLine;
    lines.push(line);
    for (const listener of listeners) listener(line);
  });
  const exited = (async (): Promise<ChildOutcome> => {
    const [exitCode, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    // 'exit' can come before the last lines are read from the pipe.
    if (!child.stdout.closed) await once(child.stdout, 'close');
    return { exitCode, signal, lines, stderr };
  })();
  return { process: child, onLine: (listener) => listeners.push(listener), exited };
}

/** Runs a child to its end (or its death) and returns what it said. */
export function runStationChild(command: ChildCommand): Promise<ChildOutcome> {
  return startStationChild(command).exited;
}
