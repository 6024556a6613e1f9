import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { JobSummary } from '../shared/contract';
import { SqliteLedgerStore } from '../main/adapters/ledger/sqlite-ledger-store';
import { createCore, type Core } from '../main/core/create-core';
import { silentLogger } from '../main/core/ports/logger';
import { systemClock } from '../main/core/ports/clock';
import type { SmpEndpoint } from '../main/core/drivers/smp/smp-flasher-link';
import { ProcessFlashExecutor } from '../main/host/flash-process/process-flash-executor';
import { writeLabBundle } from '../e2e/flash/flash-test-bundle';
import type { BenchResult, Measurement } from './bench-result';
import { consoleFramingCeiling, round, startLabProcess } from './flash-bench-support';

const LEVELS = [1, 4, 8, 16];
const BAUD = 921_600;
const IMAGE_BODY_BYTES = 512 * 1024;

interface LevelResult {
  devices: number;
  aggregateBytesPerSecond: number;
  perDeviceBytesPerSecond: number[];
  eventLoopP99Ms: number;
  wallMs: number;
  /** How long starting the level's flash processes took (before the jobs, as a station does when ports appear). */
  warmMs: number;
}

/**
 * The parallel station (quality.md): 1, 4, 8 and 16 lab SMP devices at 921600 baud on socat ptys, run by
 * the lab in its own process; the station here composes the real core (SQLite ledger, job service) and
 * flashes them with one flash process per port. Aggregate upload throughput (all image bytes over the
 * span from the first upload start to the last upload end) against linear scaling of one device alone,
 * and the station's main-thread event-loop delay p99 while 16 ports flash.
 */
export async function runBenchmark(): Promise<BenchResult> {
  const folder = await mkdtemp(join(tmpdir(), 'fieldline-bench-parallel-'));
  const lab = await startLabProcess(Math.max(...LEVELS), {
    transport: 'serial',
    baudRate: BAUD,
    config: { bufSizeBytes: 2048, bufCount: 4 },
  });
  const results: LevelResult[] = [];
  try {
    const devices = lab.devices.map((device) => ({
      endpoint: device.endpoint,
      deviceId: `hwid:${device.hardwareId.toUpperCase()}`,
    }));
    for (const count of LEVELS) results.push(await flashLevel(folder, devices.slice(0, count), count));
  } finally {
    await lab.stop();
    await rm(folder, { recursive: true, force: true });
  }
  const single = results[0]!.aggregateBytesPerSecond;
  const scaling = (result: LevelResult): number => result.aggregateBytesPerSecond / (result.devices * single);
  const at16 = results.find((result) => result.devices === 16)!;
  const also: Measurement[] = [
    {
      name: 'flash-parallel event-loop delay p99 at 16',
      value: round(at16.eventLoopP99Ms, 1),
      unit: 'ms',
      target: 50,
      higherIsBetter: false,
    },
    ...results
      .filter((result) => result.devices !== 16 && result.devices !== 1)
      .map((result) => ({
        name: `flash-parallel scaling at ${result.devices}`,
        value: round(scaling(result)),
        unit: '× linear',
        target: 0.9,
        higherIsBetter: true,
      })),
  ];
  const ceiling = consoleFramingCeiling(2048);
  return {
    name: 'flash-parallel aggregate vs linear at 16',
    value: round(scaling(at16)),
    unit: '× linear',
    target: 0.9,
    higherIsBetter: true,
    also,
    conditions: {
      baud: BAUD,
      imageBodyBytes: IMAGE_BODY_BYTES,
      oneDeviceBytesPerSecond: Math.round(single),
      oneDeviceFractionOfLine: round(single / (BAUD / 10)),
      framingCeiling: round(ceiling.fraction),
      aggregateBytesPerSecond: results
        .map((result) => `${result.devices}:${Math.round(result.aggregateBytesPerSecond)}`)
        .join(' '),
      slowestDeviceBytesPerSecond: results
        .map((result) => `${result.devices}:${Math.round(Math.min(...result.perDeviceBytesPerSecond))}`)
        .join(' '),
      eventLoopP99Ms: results
        .map((result) => `${result.devices}:${round(result.eventLoopP99Ms, 1)}`)
        .join(' '),
      wallSeconds: results.map((result) => `${result.devices}:${round(result.wallMs / 1000, 1)}`).join(' '),
      processStartSeconds: results
        .map((result) => `${result.devices}:${round(result.warmMs / 1000, 1)}`)
        .join(' '),
      runsPerLevel: 1,
      setup:
        'lab devices in one separate process (deadline-paced ptys, instant flash, buf_size 2048, buf_count 4); station: core + job service + one flash process per port, started (prewarmed) before the jobs',
      aggregate:
        'sum of image bytes / (last upload end − first upload start), upload steps as the station saw them (jobs:changed)',
    },
    measuredAt: new Date().toISOString(),
  };
}

interface LabDevice {
  endpoint: SmpEndpoint;
  deviceId: string;
}

async function flashLevel(folder: string, devices: LabDevice[], count: number): Promise<LevelResult> {
  const store = SqliteLedgerStore.open(join(folder, `ledger-${count}.db`));
  const executor = new ProcessFlashExecutor({ logger: silentLogger });
  // A station starts each port's flash process when the port appears, not when the job starts.
  const warmStartedMs = performance.now();
  await executor.prewarm(count);
  const warmMs = performance.now() - warmStartedMs;
  const core: Core = createCore(
    {
      ledgerStore: store,
      clock: systemClock,
      logger: silentLogger,
      flashExecutor: executor,
      jobs: { maxParallelJobs: 16 },
    },
    { host: 'station', version: 'bench', dataDir: folder, platform: process.platform },
  );
  const bundlePath = await writeLabBundle(folder, `bench-${count}.fwb`, {
    version: `2.${count}.0`,
    bodyBytes: IMAGE_BODY_BYTES,
  });
  const starts = new Map<string, number>();
  const ends = new Map<string, number>();
  const subscription = core.events.onEvent((name, payload) => {
    if (name !== 'jobs:changed') return;
    const { job } = payload as { job: JobSummary };
    if (job.step === 'upload' && !starts.has(job.id)) starts.set(job.id, performance.now());
    if (job.step === 'verify-upload' && !ends.has(job.id)) ends.set(job.id, performance.now());
  });
  const delay = monitorEventLoopDelay({ resolution: 10 });
  const startedMs = performance.now();
  delay.enable();
  try {
    const jobs = devices.map((device) =>
      core.jobs.start({ deviceId: device.deviceId, bundlePath, endpoint: device.endpoint }),
    );
    const done = await Promise.all(jobs.map((job) => core.jobs.whenDone(job.id)));
    delay.disable();
    const failed = done.filter((job) => job.state !== 'succeeded');
    if (failed.length > 0)
      throw new Error(
        `${failed.length} of ${count} jobs did not succeed: ${JSON.stringify(failed[0]?.error)}`,
      );
    const imageBytes = IMAGE_BODY_BYTES + 0x200 + 200;
    const perDevice = jobs.map((job) => (imageBytes * 1000) / (ends.get(job.id)! - starts.get(job.id)!));
    const span = Math.max(...ends.values()) - Math.min(...starts.values());
    return {
      devices: count,
      aggregateBytesPerSecond: (count * imageBytes * 1000) / span,
      perDeviceBytesPerSecond: perDevice,
      eventLoopP99Ms: delay.percentile(99) / 1e6,
      wallMs: performance.now() - startedMs,
      warmMs,
    };
  } finally {
    subscription.dispose();
    await core.stop();
    store.close();
  }
}
