import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobProgress, JobSummary } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { SqliteLedgerStore } from '../../adapters/ledger/sqlite-ledger-store';
import { makeTempDir } from '../../test-support/temp-dir';
import { LedgerService } from '../ledger/ledger-service';
import { systemClock } from '../ports/clock';
import { silentLogger } from '../ports/logger';
import type { SmpFlashEvidence } from '../drivers/smp/smp-flasher';
import type { FlashExecutor, FlashTask, FlashTaskHooks, FlashTaskResult } from './flash-task';
import { TERMINAL_JOB_EVENTS, type JobLedger } from './job-records';
import { JobService } from './job-service';

const HASH = 'ab'.repeat(32);
const ENDPOINT = { kind: 'serial', path: '/dev/ttyLAB0', baudRate: 115_200 } as const;

function evidence(verifiedHash: string | null = HASH): SmpFlashEvidence {
  return {
    imageHash: HASH,
    version: '2.0.0',
    slotsBefore: [],
    slotsAfter: [],
    isUploadSkipped: false,
    isAlreadyRunning: false,
    resumedFromBytes: null,
    verifiedHash,
    transports: ['serial:/dev/ttyLAB0'],
    reconnects: 1,
  };
}

const confirmed = (verifiedHash: string | null = HASH): FlashTaskResult => ({
  kind: 'confirmed',
  device: { hardwareId: '01', serial: 'S1', model: 'm' },
  bundle: {
    bundleSha256: 'cd'.repeat(32),
    product: 'p',
    version: '2.0.0',
    securityCounter: 3,
    imageFile: 'images/app.bin',
    signedBy: ['k'],
    isDevelopmentSigned: true,
  },
  evidence: evidence(verifiedHash),
});

/** An executor whose tasks the test drives step by step. */
class ScriptedExecutor implements FlashExecutor {
  readonly running = new Map<
    string,
    {
      task: FlashTask;
      hooks: FlashTaskHooks;
      finish: (result: FlashTaskResult) => void;
      fail: (error: AppError) => void;
    }
  >();
  maxRunning = 0;

  run(task: FlashTask, hooks: FlashTaskHooks): Promise<FlashTaskResult> {
    return new Promise((resolve, reject) => {
      this.running.set(task.jobId, {
        task,
        hooks,
        finish: (result) => {
          this.running.delete(task.jobId);
          resolve(result);
        },
        fail: (error) => {
          this.running.delete(task.jobId);
          reject(error);
        },
      });
      this.maxRunning = Math.max(this.maxRunning, this.running.size);
      hooks.signal.addEventListener('abort', () => {
        this.running.delete(task.jobId);
        reject(new AppError('CANCELLED', 'cancelled'));
      });
    });
  }

  async until(count: number): Promise<void> {
    while (this.running.size < count) await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

let dir: ReturnType<typeof makeTempDir>;
let store: SqliteLedgerStore;
let ledger: JobLedger;
let executor: ScriptedExecutor;
let changes: JobSummary[];
let progress: JobProgress[][];

function service(options: Partial<ConstructorParameters<typeof JobService>[0]> = {}): JobService {
  return new JobService({
    ledger,
    executor,
    locator: {
      locate: (deviceId) => ({
        endpoints: [{ ...ENDPOINT, path: `/dev/tty-${deviceId}` }],
        hardwareId: null,
      }),
    },
    clock: systemClock,
    logger: silentLogger,
    onChanged: (job) => changes.push(job),
    onProgress: (jobs) => progress.push(jobs),
    progressIntervalMs: 50,
    isOwnerAlive: () => false,
    ...options,
  });
}

function typesOf(deviceId: string): string[] {
  return ledger.deviceHistory(deviceId).map((event) => event.type);
}

function terminalCount(deviceId: string, jobId: string): number {
  return ledger
    .deviceHistory(deviceId)
    .filter((event) => (TERMINAL_JOB_EVENTS as readonly string[]).includes(event.type))
    .filter((event) => (event.payload as { jobId?: string }).jobId === jobId).length;
}

beforeEach(() => {
  dir = makeTempDir();
  store = SqliteLedgerStore.open(`${dir.path}/ledger.db`);
  const service = new LedgerService(store, systemClock);
  ledger = {
    append: (request) => service.append(request),
    listEvents: (query) => service.listEvents(query),
    deviceHistory: (id) => service.deviceHistory(id),
  };
  executor = new ScriptedExecutor();
  changes = [];
  progress = [];
});

afterEach(() => {
  store.close();
  dir.remove();
});

describe('JobService', () => {
  it('records started, each checkpoint, firmware.flashed with the verified hash, and one terminal event', async () => {
    const jobs = service();
    const job = jobs.start({ deviceId: 'dev-1', bundlePath: '/b.fwb' });
    await executor.until(1);
    const running = executor.running.get(job.id)!;
    await running.hooks.checkpoint('verify-bundle', { version: '2.0.0' });
    await running.hooks.checkpoint('upload', { bytes: 10 });
    running.finish(confirmed());
    const done = await jobs.whenDone(job.id);
    expect(done).toMatchObject({ state: 'succeeded', step: 'done', firmwareVersion: '2.0.0', error: null });
    expect(typesOf('dev-1')).toEqual([
      'job.started',
      'job.step-completed',
      'job.step-completed',
      'firmware.flashed',
      'job.succeeded',
    ]);
    const flashed = ledger.listEvents({ type: 'firmware.flashed', limit: 1 })[0]!;
    expect(flashed.payload).toMatchObject({
      jobId: job.id,
      imageHash: HASH,
      firmwareVersion: '2.0.0',
      evidence: { verifiedHash: HASH },
    });
    expect(store.listDevices()[0]).toMatchObject({
      id: 'dev-1',
      state: 'provisioned',
      firmwareVersion: '2.0.0',
    });
    expect(changes.map((change) => change.state)).toContain('running');
  });

  it('never records firmware.flashed without the verified hash: a mismatch fails the job', async () => {
    const jobs = service();
    const job = jobs.start({ deviceId: 'dev-1', bundlePath: '/b.fwb' });
    await executor.until(1);
    executor.running.get(job.id)!.finish(confirmed('ff'.repeat(32)));
    const done = await jobs.whenDone(job.id);
    expect(done).toMatchObject({
      state: 'failed',
      error: { code: 'FIRMWARE_VERIFY_FAILED', isRetryable: true },
    });
    expect(typesOf('dev-1')).not.toContain('firmware.flashed');
    expect(terminalCount('dev-1', job.id)).toBe(1);
  });

  it('records a revert as firmware.reverted and job.failed FLASH_REVERTED, never as flashed', async () => {
    const jobs = service();
    const job = jobs.start({ deviceId: 'dev-1', bundlePath: '/b.fwb' });
    await executor.until(1);
    const base = confirmed();
    executor.running.get(job.id)!.finish({
      ...base,
      kind: 'reverted',
      reason: 'health-check-failed',
      detail: 'echo failed',
      evidence: evidence(null),
    });
    const done = await jobs.whenDone(job.id);
    expect(done).toMatchObject({ state: 'reverted', error: { code: 'FLASH_REVERTED', isRetryable: false } });
    expect(typesOf('dev-1')).toEqual(['job.started', 'firmware.reverted', 'job.failed']);
  });

  it('fails with the step and a retryable flag, and refuses a second job on a busy device', async () => {
    const jobs = service();
    const job = jobs.start({ deviceId: 'dev-1', bundlePath: '/b.fwb' });
    expect(() => jobs.start({ deviceId: 'dev-1', bundlePath: '/b.fwb' })).toThrow(
      expect.objectContaining({ code: 'DEVICE_BUSY' }),
    );
    await executor.until(1);
    executor.running
      .get(job.id)!
      .fail(new AppError('DEVICE_NOT_RESPONDING', 'gone', { details: { step: 'upload', offset: 4096 } }));
    const done = await jobs.whenDone(job.id);
    expect(done.error).toEqual({
      code: 'DEVICE_NOT_RESPONDING',
      message: 'gone',
      step: 'upload',
      isRetryable: true,
    });
    const failed = ledger.listEvents({ type: 'job.failed', limit: 1 })[0]!;
    expect(failed.payload).toMatchObject({
      jobId: job.id,
      step: 'upload',
      isRetryable: true,
      isBeforeWrite: false,
    });
  });

  it('keeps to the station-wide limit, queues the rest, and cancels a queued job without running it', async () => {
    const jobs = service({ maxParallelJobs: 2 });
    const started = ['a', 'b', 'c', 'd'].map((id) => jobs.start({ deviceId: id, bundlePath: '/b.fwb' }));
    await executor.until(2);
    expect(executor.running.size).toBe(2);
    expect(jobs.get(started[2]!.id).state).toBe('queued');
    jobs.cancel(started[3]!.id);
    expect(await jobs.whenDone(started[3]!.id)).toMatchObject({ state: 'cancelled' });
    expect(typesOf('d')).toEqual(['job.started', 'job.cancelled']);
    for (const job of started.slice(0, 3)) {
      await executor.until(1);
      const running = executor.running.get(job.id) ?? [...executor.running.values()][0]!;
      running.finish(confirmed());
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await Promise.all(started.slice(0, 3).map((job) => jobs.whenDone(job.id)));
    expect(executor.maxRunning).toBe(2);
    for (const job of started) expect(terminalCount(job.deviceId, job.id)).toBe(1);
  });

  it('cancels a running job: job.cancelled names the step, exactly once', async () => {
    const jobs = service();
    const job = jobs.start({ deviceId: 'dev-1', bundlePath: '/b.fwb' });
    await executor.until(1);
    executor.running.get(job.id)!.hooks.onStep('upload');
    jobs.cancel(job.id);
    jobs.cancel(job.id);
    expect(await jobs.whenDone(job.id)).toMatchObject({ state: 'cancelled', step: 'upload' });
    expect(ledger.listEvents({ type: 'job.cancelled', limit: 5 })).toHaveLength(1);
    expect(ledger.listEvents({ type: 'job.cancelled', limit: 1 })[0]!.payload).toMatchObject({
      step: 'upload',
    });
  });

  it('batches progress of many jobs into a few events with rate and ETA', async () => {
    const jobs = service({ maxParallelJobs: 16 });
    const started = Array.from({ length: 16 }, (_, index) =>
      jobs.start({ deviceId: `d${index}`, bundlePath: '/b.fwb' }),
    );
    await executor.until(16);
    const t0 = Date.now();
    for (let offset = 1; offset <= 40; offset += 1) {
      for (const { hooks } of executor.running.values())
        hooks.onProgress({ bytesDone: offset * 1000, totalBytes: 100_000 });
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await new Promise((resolve) => setTimeout(resolve, 80));
    const elapsedMs = Date.now() - t0;
    // 640 updates became at most one event per 50 ms interval.
    expect(progress.length).toBeLessThanOrEqual(Math.ceil(elapsedMs / 50) + 1);
    const last = progress.at(-1)!;
    expect(last).toHaveLength(16);
    expect(last[0]).toMatchObject({ bytesDone: 40_000, totalBytes: 100_000 });
    expect(last[0]!.bytesPerSecond).toBeGreaterThan(0);
    expect(last[0]!.etaSeconds).toBeGreaterThan(0);
    await jobs.stop();
    for (const job of started) expect(terminalCount(job.deviceId, job.id)).toBe(1);
  });

  it('ends a job a crash left unfinished exactly once: failed "interrupted", or resumed with its checkpoints', async () => {
    const first = service({ executor: null });
    // What a crashed process left: started and two checkpoints (one a write-ahead test reset), no end.
    const deadLedger = ledger;
    deadLedger.append({
      actor: 'station',
      deviceId: 'dev-1',
      type: 'job.started',
      payload: {
        jobId: 'j1',
        kind: 'flash',
        address: 'serial:/dev/x',
        endpoint: ENDPOINT,
        expectedHardwareId: '01',
        bundlePath: '/b.fwb',
        trustStorePath: null,
        hardwareRevision: 'A',
        ownerPid: 999_999_999,
      },
    });
    deadLedger.append({
      actor: 'station',
      deviceId: 'dev-1',
      type: 'job.step-completed',
      payload: { jobId: 'j1', step: 'mark-test', evidence: {} },
    });
    deadLedger.append({
      actor: 'station',
      deviceId: 'dev-1',
      type: 'job.step-completed',
      payload: { jobId: 'j1', step: 'test-reset', evidence: { sentAtMs: 1234 } },
    });
    deadLedger.append({
      actor: 'station',
      deviceId: 'dev-2',
      type: 'job.started',
      payload: {
        jobId: 'j2',
        kind: 'flash',
        address: 'serial:/dev/y',
        endpoint: ENDPOINT,
        expectedHardwareId: null,
        bundlePath: '/b.fwb',
        trustStorePath: null,
        hardwareRevision: 'A',
        ownerPid: 999_999_999,
      },
    });

    const failed = first.recover({ resume: false });
    expect(failed.map((job) => [job.id, job.state, job.step, job.error?.code])).toEqual([
      ['j1', 'failed', 'test-reset', 'JOB_INTERRUPTED'],
      ['j2', 'failed', 'queued', 'JOB_INTERRUPTED'],
    ]);
    expect(first.recover({ resume: false })).toEqual([]);
    expect(terminalCount('dev-1', 'j1')).toBe(1);
    expect(ledger.listEvents({ type: 'job.failed', limit: 1 })[0]!.payload).toMatchObject({
      reason: 'interrupted',
      isRetryable: true,
    });

    deadLedger.append({
      actor: 'station',
      deviceId: 'dev-3',
      type: 'job.started',
      payload: {
        jobId: 'j3',
        kind: 'flash',
        address: 'serial:/dev/z',
        endpoint: ENDPOINT,
        expectedHardwareId: null,
        bundlePath: '/b.fwb',
        trustStorePath: null,
        hardwareRevision: 'A',
        ownerPid: 999_999_999,
      },
    });
    deadLedger.append({
      actor: 'station',
      deviceId: 'dev-3',
      type: 'job.step-completed',
      payload: { jobId: 'j3', step: 'test-reset', evidence: { sentAtMs: 1234 } },
    });
    const second = service();
    const [resumed] = second.recover({ resume: true });
    expect(resumed).toMatchObject({ id: 'j3', state: 'queued' });
    await executor.until(1);
    expect(executor.running.get('j3')!.task.memory).toEqual({ testResetSentAtMs: 1234, healthFailure: null });
    executor.running.get('j3')!.finish(confirmed());
    expect(await second.whenDone('j3')).toMatchObject({ state: 'succeeded' });
    expect(typesOf('dev-3')).toEqual([
      'job.started',
      'job.step-completed',
      'job.resumed',
      'firmware.flashed',
      'job.succeeded',
    ]);
  });

  it('leaves alone an unfinished job whose owner process still runs', () => {
    ledger.append({
      actor: 'cli:x',
      deviceId: 'dev-1',
      type: 'job.started',
      payload: {
        jobId: 'j1',
        kind: 'flash',
        address: 'serial:/dev/x',
        endpoint: ENDPOINT,
        expectedHardwareId: null,
        bundlePath: '/b.fwb',
        trustStorePath: null,
        hardwareRevision: 'A',
        ownerPid: 424_242,
      },
    });
    expect(service({ isOwnerAlive: (pid) => pid === 424_242 }).recover({ resume: false })).toEqual([]);
    expect(typesOf('dev-1')).toEqual(['job.started']);
  });

  it('picks the transport the bundle has an image for when a device is seen several ways, and resumes it after a crash', async () => {
    const locator = {
      locate: () => ({
        endpoints: [ENDPOINT, { kind: 'usb-dfu', serialNumber: 'FL-9' } as const],
        hardwareId: null,
      }),
    };
    const jobs = service({ locator, bundleProtocols: (path) => (path === '/dfu.fwb' ? ['dfu'] : null) });
    const dfu = jobs.start({ deviceId: 'dev-9', bundlePath: '/dfu.fwb' });
    expect(dfu.address).toBe('usb-dfu:FL-9');
    await executor.until(1);
    expect(executor.running.get(dfu.id)?.task.endpoint).toEqual({ kind: 'usb-dfu', serialNumber: 'FL-9' });
    executor.running.get(dfu.id)?.fail(new AppError('TRANSPORT_CLOSED', 'unplugged'));
    await jobs.whenDone(dfu.id);
    const unknown = jobs.start({ deviceId: 'dev-9', bundlePath: '/unreadable.fwb' });
    expect(unknown.address).toBe('serial:/dev/ttyLAB0');

    // A crashed DFU job is read back from job.started with its USB endpoint and resumed there.
    ledger.append({
      actor: 'station',
      deviceId: 'dev-10',
      type: 'job.started',
      payload: {
        jobId: 'j-dfu',
        kind: 'flash',
        address: 'usb-dfu:FL-10',
        endpoint: { kind: 'usb-dfu', serialNumber: 'FL-10' },
        expectedHardwareId: null,
        bundlePath: '/dfu.fwb',
        trustStorePath: null,
        hardwareRevision: 'A',
        ownerPid: 424_243,
      },
    });
    const [resumed] = jobs.recover({ resume: true });
    expect(resumed).toMatchObject({ id: 'j-dfu', address: 'usb-dfu:FL-10' });
    await executor.until(2);
    expect(executor.running.get('j-dfu')?.task.endpoint).toEqual({ kind: 'usb-dfu', serialNumber: 'FL-10' });
    await jobs.stop();
  });
});
