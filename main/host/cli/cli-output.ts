import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { presentError, toAppError } from '../../../shared/errors';

/** Where the CLI writes: stdout for results, stderr for errors; `isJson` selects JSON lines. */
export interface CliOutput {
  isJson: boolean;
  stdout: Writable;
  stderr: Writable;
}

/** Writes one line, waiting for the stream to drain so that exporting a large ledger stays in bounded memory. */
export async function writeLine(stream: Writable, line: string): Promise<void> {
  if (!stream.write(`${line}\n`)) await once(stream, 'drain');
}

/** Prints an error with its title and suggested action from the error table (as a JSON line with --json). */
export async function writeError(output: CliOutput, error: unknown): Promise<void> {
  const appError = toAppError(error);
  const { title, action } = presentError(appError.code);
  if (output.isJson) {
    await writeLine(output.stderr, JSON.stringify({ error: { ...appError.toJSON(), title, action } }));
    return;
  }
  await writeLine(output.stderr, `error ${appError.code}: ${title}\n  ${appError.message}\n  → ${action}`);
}
