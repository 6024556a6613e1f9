import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { labStationReplySchema, type LabStationConfig, type LabStationRequest } from './lab-station-protocol';
import type { StationProcess } from './station-process';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD_ENTRY = fileURLToPath(new URL('./lab-station-main.ts', import.meta.url));
/** Starting the lab's devices plus the station (tsx compiling both) takes a few seconds on 2 cores. */
const START_TIMEOUT_MS = 60_000;
const REQUEST_TIMEOUT_MS = 10_000;

export interface LabStationOptions {
  /** A lab scenario with the DFU devices to plug into the station's virtual USB bus (may be empty). */
  scenarioYaml: string;
  labStateRoot: string;
  /** More `npm run station` flags, e.g. `--no-drives`. */
  args?: string[];
  /** Extra environment, e.g. FIELDLINE_SERIAL_GLOBS for the test's ptys. */
  env?: Record<string, string>;
}

/** A station process whose USB bus is the lab's, with the lab's DFU cables in the test's hand. */
export interface LabStationProcess extends StationProcess {
  /** The child's process id, for a test to check it is gone after `stop()`. */
  pid: number;
  /** Pulls the named lab DFU device out of the station's USB bus. */
  unplugUsb(device: string): Promise<void>;
  /** Plugs it back into the same port (it enumerates again, as after a real replug). */
  plugUsb(device: string): Promise<void>;
}

/**
 * Starts e2e/support/lab-station-main.ts: the real station host on a free port with the lab's
 * VirtualUsbBus as its UsbBus. Resolves once it printed its URL line; `stop()` sends SIGTERM and waits
 * for the station and its lab devices to end.
 */
export async function startLabStationProcess(dataDir: string, options: LabStationOptions): Promise<LabStationProcess> {
  const config: LabStationConfig = {
    scenarioYaml: options.scenarioYaml,
    labStateRoot: options.labStateRoot,
    stationArgs: ['--port', '0', '--data-dir', dataDir, ...(options.args ?? [])],
  };
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD_ENTRY, JSON.stringify(config)], {
    cwd: REPO_ROOT,
    // The IPC channel carries the cable requests; its closing also stops an orphaned station.
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, ...options.env },
  });
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const url = await readUrlLine(child, stderr);
  const request = ipcRequester(child);
  return {
    pid: child.pid!,
    url,
    origin: new URL(url).origin,
    stop: () => stopProcess(child),
    stderr: () => stderr.join(''),
    unplugUsb: (device) => request({ kind: 'unplug-usb', device }),
    plugUsb: (device) => request({ kind: 'plug-usb', device }),
  };
}

async function readUrlLine(child: ChildProcess, stderr: string[]): Promise<string> {
  const lines = createInterface({ input: child.stdout! });
  const timeout = setTimeout(() => child.kill('SIGKILL'), START_TIMEOUT_MS);
  try {
    for await (const line of lines) {
      const match = /^Fieldline station: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/.exec(line);
      if (match?.[1]) return match[1];
    }
    // Its stderr (why it stopped) can still be in the pipe when stdout closes.
    if (child.stderr !== null && !child.stderr.closed) await once(child.stderr, 'close');
    throw new Error(`the lab station exited without printing its URL: ${stderr.join('')}`);
  } finally {
    clearTimeout(timeout);
  }
}

function ipcRequester(child: ChildProcess): (request: Omit<LabStationRequest, 'id'>) => Promise<void> {
  let lastId = 0;
  return (request) => {
    const id = ++lastId;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.off('message', onReply);
        reject(new Error(`the lab station did not answer ${request.kind} ${request.device}`));
      }, REQUEST_TIMEOUT_MS);
      const onReply = (message: unknown): void => {
        const reply = labStationReplySchema.safeParse(message);
        if (!reply.success || reply.data.id !== id) return;
        clearTimeout(timer);
        child.off('message', onReply);
        if (reply.data.ok) resolve();
        else reject(new Error(`${request.kind} ${request.device}: ${reply.data.error}`));
      };
      child.on('message', onReply);
      child.send({ ...request, id });
    });
  };
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
