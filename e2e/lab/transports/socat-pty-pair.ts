import { spawn, type ChildProcess } from 'node:child_process';
import { realpath, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** A pseudo-terminal pair joined by socat: the lab holds `labPath`, the app opens `appPath`. */
export interface PtyPair {
  /** Stable symlink the lab opens (`<dir>/lab`). */
  labPath: string;
  /** Stable symlink the app opens (`<dir>/app`), what the CLI prints and a scenario names. */
  appPath: string;
  /** The /dev/pts/N the app link points to. */
  appDevice: string;
  pid: number;
  /** Stops socat and waits for it to exit; the links disappear with it. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 5_000;

/**
 * Starts `socat -d -d pty,raw,echo=0,link=<dir>/lab pty,raw,echo=0,link=<dir>/app` (architecture.md:
 * "the device lab exposes its serial devices on pseudo-terminals (socat)") and resolves once socat
 * reports its data loop, i.e. both ends can be opened. Fails if socat is missing or stalls.
 */
export async function startPtyPair(
  directory: string,
  names: { lab: string; app: string } = { lab: 'lab', app: 'app' },
): Promise<PtyPair> {
  const labPath = join(directory, names.lab);
  const appPath = join(directory, names.app);
  await Promise.all([rm(labPath, { force: true }), rm(appPath, { force: true })]);
  const child = spawn(
    'socat',
    ['-d', '-d', `pty,raw,echo=0,link=${labPath}`, `pty,raw,echo=0,link=${appPath}`],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  // 'exit' may not follow a spawn 'error' (socat missing), so either ends the wait.
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  try {
    await waitForDataLoop(child);
  } catch (error: unknown) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  }
  const pid = child.pid ?? -1;
  return {
    labPath,
    appPath,
    appDevice: await realpath(appPath),
    pid,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

function waitForDataLoop(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let log = '';
    const timer = setTimeout(
      () => finish(new Error(`socat did not start within ${START_TIMEOUT_MS} ms: ${log}`)),
      START_TIMEOUT_MS,
    );
    const onData = (chunk: Buffer): void => {
      log += chunk.toString();
      if (log.includes('starting data transfer loop')) finish();
    };
    const onError = (error: Error): void =>
      finish(new Error(`socat could not be started (is it installed?): ${error.message}`));
    const onExit = (code: number | null): void => finish(new Error(`socat exited with ${code}: ${log}`));
    function finish(error?: Error): void {
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      child.off('error', onError);
      child.off('exit', onExit);
      // Keep draining socat's log so that a full pipe can never block it.
      child.stderr?.resume();
      if (error) reject(error);
      else resolve();
    }
    child.stderr?.on('data', onData);
    child.once('error', onError);
    child.once('exit', onExit);
  });
}
