/**
 * A stand-in for Electron's `utilityProcess` that really runs the module: a Node child (fork) with
 * parent-port-shim.mjs preloaded, so the module sees `process.parentPort` and no `process.send`, as in a
 * utility process. Its object has the UtilityProcess surface our code uses: 'spawn', 'message' (the
 * value itself), 'exit' (a code), `postMessage`, `kill` (SIGTERM), `pid`, `stdout`/`stderr`.
 * TypeScript modules run through tsx, so tests can start flash-process.ts itself.
 */
import { fork, type ChildProcess, type IOType, type StdioOptions } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ForkOptions } from 'electron';
import type { UtilityChild, UtilityProcessModule } from '../utility-flash-process';

const PARENT_PORT_SHIM = pathToFileURL(
  fileURLToPath(new URL('./parent-port-shim.mjs', import.meta.url)),
).href;
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** One child, shaped like Electron's UtilityProcess. */
export class NodeUtilityProcess extends EventEmitter implements UtilityChild {
  readonly #child: ChildProcess;
  #hasExited = false;

  constructor(modulePath: string, args: string[], options: ForkOptions) {
    super();
    const loaders = modulePath.endsWith('.ts') ? ['--import', TSX_LOADER] : [];
    this.#child = fork(modulePath, args, {
      execArgv: ['--import', PARENT_PORT_SHIM, ...loaders, ...(options.execArgv ?? [])],
      serialization: 'advanced',
      stdio: forkStdio(options.stdio),
      ...(options.env === undefined ? {} : { env: options.env as NodeJS.ProcessEnv }),
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    });
    this.#child.on('spawn', () => this.emit('spawn'));
    this.#child.on('message', (message) => this.emit('message', message));
    // Electron reports an exit code only; a signal shows as a non-zero code.
    this.#child.once('close', (code: number | null) => {
      this.#hasExited = true;
      this.emit('exit', code ?? 1);
    });
  }

  get pid(): number | undefined {
    return this.#hasExited ? undefined : this.#child.pid;
  }

  get stdout(): NodeJS.ReadableStream | null {
    return this.#child.stdout;
  }

  get stderr(): NodeJS.ReadableStream | null {
    return this.#child.stderr;
  }

  postMessage(message: unknown): void {
    if (this.#child.connected) this.#child.send(message as object);
  }

  kill(): boolean {
    return this.#child.kill('SIGTERM');
  }
}

/** Electron's `stdio` option (stdout and stderr only; stdin is always ignored) as fork's, plus IPC. */
function forkStdio(stdio: ForkOptions['stdio']): StdioOptions {
  const modes = typeof stdio === 'string' ? ['ignore', stdio, stdio] : (stdio ?? []);
  const mode = (value: string | undefined): IOType =>
    value === 'pipe' || value === 'ignore' ? value : 'inherit';
  return ['ignore', mode(modes[1]), mode(modes[2]), 'ipc'];
}

/** The stand-in `utilityProcess` module. */
export const nodeUtilityProcess: UtilityProcessModule = {
  fork: (modulePath, args = [], options = {}) => new NodeUtilityProcess(modulePath, args, options),
};
