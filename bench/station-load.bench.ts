import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import type { JobSummary } from '../shared/contract';
import { EVENT_LOOP_REPORT_PREFIX } from '../main/host/event-loop-report';
import { writeLabBundle } from '../e2e/flash/flash-test-bundle';
import { launchChromium } from '../e2e/support/browser';
import { startStationProcess, type StationProcess } from '../e2e/support/station-process';
import type { BenchResult } from './bench-result';
import { round, startLabProcess } from './flash-bench-support';

const DEVICES = 16;
const BAUD = 921_600;
const IMAGE_BODY_BYTES = 256 * 1024;
const P99_TARGET_MS = 50;
const JOBS_TIMEOUT_MS = 240_000;
/** One flash process per device is loaded per 250 ms station tick, plus a second for the last to load. */
const FLASH_PROCESS_WARM_UP_MS = DEVICES * 250 + 1_000;

interface EventLoopFigures {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  samples: number;
}

/**
 * `npm run bench -- station-load`: the station host's main-thread event-loop delay while 16 lab serial
 * devices flash through it with the UI connected (quality.md: p99 < 50 ms). The lab runs in its own
 * process (bench/flash-lab.fixture.ts, as flash-parallel); the station (`bin/station.mjs`) finds the
 * devices by serial probing through FIELDLINE_SERIAL_GLOBS, Chromium shows its Jobs view, and the
 * benchmark starts the 16 jobs over the station's WebSocket contract as the UI would. The station
 * measures its own loop (FIELDLINE_EVENT_LOOP_REPORT=1, main/host/event-loop-report.ts): SIGUSR2 just
 * before the jobs start, the figures printed to stderr when it stops.
 */
export async function runBenchmark(): Promise<BenchResult> {
  const folder = await mkdtemp(join(tmpdir(), 'fieldline-bench-station-load-'));
  const lab = await startLabProcess(DEVICES, { transport: 'serial', baudRate: BAUD, config: { bufSizeBytes: 2048, bufCount: 4 } });
  let station: StationProcess | null = null;
  const browser = await launchChromium();
  try {
    const ptys = lab.devices.map((device) => (device.endpoint.kind === 'serial' ? device.endpoint.path : ''));
    station = await startStationProcess(join(folder, 'data'), {
      args: ['--no-mdns', '--no-usb', '--no-drives'],
      env: { FIELDLINE_EVENT_LOOP_REPORT: '1', FIELDLINE_SERIAL_GLOBS: ptys.join(',') },
    });
    const bundlePath = await writeLabBundle(folder, 'station-load.fwb', { version: '3.1.0', bodyBytes: IMAGE_BODY_BYTES });
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(station.url);
    await page.getByRole('heading', { name: 'Devices', level: 1 }).waitFor();
    const client = await ContractClient.connect(station);
    try {
      const deviceIds = lab.devices.map((device) => `hwid:${device.hardwareId.toUpperCase()}`);
      await client.waitForDevices(deviceIds);
      // The station loads one flash process per connected port, one per 250 ms tick (runtime.ts): let
      // it reach that steady state, as a line does between plugging the devices and starting the work.
      await new Promise((resolve) => setTimeout(resolve, FLASH_PROCESS_WARM_UP_MS));
      await page.getByRole('link', { name: 'Jobs' }).click();
      process.kill(stationPid(station), 'SIGUSR2');
      const startedMs = performance.now();
      const jobIds = await Promise.all(deviceIds.map((deviceId) => client.startJob(deviceId, bundlePath)));
      const ended = await client.waitForJobs(jobIds, JOBS_TIMEOUT_MS);
      const wallMs = performance.now() - startedMs;
      const failed = ended.filter((job) => job.state !== 'succeeded');
      if (failed.length > 0) throw new Error(`${failed.length} of ${DEVICES} jobs did not succeed: ${JSON.stringify(failed[0])}`);
      await page.close();
      client.close();
      await station.stop();
      const figures = readReport(station.stderr());
      return {
        name: 'station event-loop delay p99, 16 flashing',
        value: figures.p99Ms,
        unit: 'ms',
        target: P99_TARGET_MS,
        higherIsBetter: false,
        also: [],
        conditions: {
          devices: DEVICES,
          baud: BAUD,
          imageBodyBytes: IMAGE_BODY_BYTES,
          p50Ms: figures.p50Ms,
          maxMs: figures.maxMs,
          samples: figures.samples,
          wallSeconds: round(wallMs / 1_000, 1),
          setup: 'lab in its own process (deadline-paced ptys); bin/station.mjs with serial probing of the 16 ptys, given 5 s after discovery to load a flash process per port; Chromium on the Jobs view; jobs started over the WebSocket contract',
          measured: 'monitorEventLoopDelay (10 ms resolution) inside the station process, from just before the jobs start until the station stops',
        },
        measuredAt: new Date().toISOString(),
      };
    } finally {
      client.close();
    }
  } finally {
    await browser.close();
    await station?.stop();
    await lab.stop();
    await rm(folder, { recursive: true, force: true });
  }
}

function stationPid(station: StationProcess): number {
  if (station.pid === undefined) throw new Error('the station process has no pid');
  return station.pid;
}

function readReport(stderr: string): EventLoopFigures {
  const line = stderr.split('\n').find((candidate) => candidate.startsWith(EVENT_LOOP_REPORT_PREFIX));
  if (line === undefined) throw new Error(`the station printed no event-loop report: ${stderr.slice(-2_000)}`);
  return JSON.parse(line.slice(EVENT_LOOP_REPORT_PREFIX.length)) as EventLoopFigures;
}

/** The station's WebSocket contract, from Node: what the renderer's bridge does, for a benchmark. */
class ContractClient {
  readonly #socket: WebSocket;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  readonly #jobs = new Map<string, JobSummary>();
  readonly #knownDevices = new Set<string>();
  readonly #waiters = new Set<() => void>();
  #nextId = 1;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.on('message', (data: Buffer) => this.#receive(JSON.parse(data.toString()) as Record<string, unknown>));
  }

  static async connect(station: StationProcess): Promise<ContractClient> {
    const token = new URL(station.url).searchParams.get('token') ?? '';
    const socket = new WebSocket(`${station.origin.replace('http', 'ws')}/ws?token=${encodeURIComponent(token)}`, { headers: { origin: station.origin } });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const client = new ContractClient(socket);
    const { devices } = (await client.#invoke('devices:list', { limit: 500 })) as { devices: { id: string }[] };
    for (const device of devices) client.#knownDevices.add(device.id);
    return client;
  }

  startJob(deviceId: string, bundlePath: string): Promise<string> {
    return this.#invoke('jobs:start', { deviceId, bundlePath }).then((answer) => (answer as { job: JobSummary }).job.id);
  }

  waitForDevices(deviceIds: string[]): Promise<void> {
    return this.#until(() => deviceIds.every((id) => this.#knownDevices.has(id)), 60_000, 'the station did not discover every lab device');
  }

  async waitForJobs(jobIds: string[], timeoutMs: number): Promise<JobSummary[]> {
    const isDone = (id: string): boolean => ['succeeded', 'failed', 'cancelled'].includes(this.#jobs.get(id)?.state ?? '');
    await this.#until(() => jobIds.every(isDone), timeoutMs, 'the jobs did not end in time');
    return jobIds.map((id) => this.#jobs.get(id)!);
  }

  close(): void {
    this.#socket.close();
  }

  #invoke(name: string, input: unknown): Promise<unknown> {
    const id = this.#nextId++;
    this.#socket.send(JSON.stringify({ type: 'invoke', id, name, input }));
    return new Promise((resolve, reject) => this.#pending.set(id, { resolve, reject }));
  }

  #receive(message: Record<string, unknown>): void {
    if (message['type'] === 'result') {
      const pending = this.#pending.get(message['id'] as number);
      this.#pending.delete(message['id'] as number);
      const envelope = message['envelope'] as { ok: boolean; value?: unknown; error?: { code: string; message: string } };
      if (envelope.ok) pending?.resolve(envelope.value);
      else pending?.reject(new Error(`${envelope.error?.code}: ${envelope.error?.message}`));
    } else if (message['type'] === 'event') {
      const payload = message['payload'] as Record<string, unknown>;
      if (message['name'] === 'jobs:changed') {
        const job = payload['job'] as JobSummary;
        this.#jobs.set(job.id, job);
      }
      if (message['name'] === 'devices:changed') {
        for (const device of payload['upserted'] as { id: string }[]) this.#knownDevices.add(device.id);
      }
      for (const wake of [...this.#waiters]) wake();
    }
  }

  #until(condition: () => boolean, timeoutMs: number, failure: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!condition()) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(failure));
      }, timeoutMs);
      this.#waiters.add(check);
      check();
    });
  }
}
