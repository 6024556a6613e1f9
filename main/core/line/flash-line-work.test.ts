import { describe, expect, it } from 'vitest';
import type { JobStep, JobSummary } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { CoreEventBus } from '../event-bus';
import { createFlashLineWork, type LineJobs } from './flash-line-work';
import type { LineWorkUpdate } from './line-work';

function summary(step: JobStep, change: Partial<JobSummary> = {}): JobSummary {
  return {
    id: 'job-1',
    kind: 'flash',
    deviceId: 'hwid:aa',
    address: 'serial:/dev/x',
    state: 'running',
    step,
    bundlePath: '/b.fwb',
    firmwareVersion: null,
    startedAt: '',
    updatedAt: '',
    error: null,
    ...change,
  };
}

class FakeJobs implements LineJobs {
  started: unknown[] = [];
  cancelled: string[] = [];
  end: (summary: JobSummary) => void = () => undefined;
  refuse: AppError | null = null;
  start(request: unknown): JobSummary {
    if (this.refuse) throw this.refuse;
    this.started.push(request);
    return summary('queued');
  }
  whenDone(): Promise<JobSummary> {
    return new Promise((resolve) => (this.end = resolve));
  }
  cancel(jobId: string): JobSummary {
    this.cancelled.push(jobId);
    this.end(summary('upload', { state: 'cancelled', error: { code: 'CANCELLED', message: 'Cancelled', step: 'upload', isRetryable: true } }));
    return summary('upload');
  }
}

describe('the flash job as line work', () => {
  it('starts a job of the locked bundle and reports upload percent, then verifying, then pass', async () => {
    const jobs = new FakeJobs();
    const events = new CoreEventBus();
    const updates: LineWorkUpdate[] = [];
    const run = createFlashLineWork(jobs, events, '/b.fwb')({ deviceId: 'hwid:aa', port: 'serial:/dev/x' }, new AbortController().signal, (u) => updates.push(u));
    expect(jobs.started).toEqual([{ deviceId: 'hwid:aa', bundlePath: '/b.fwb' }]);
    events.emit('jobs:progress', { jobs: [{ jobId: 'job-1', deviceId: 'hwid:aa', step: 'upload', bytesDone: 250, totalBytes: 1000, bytesPerSecond: 1, etaSeconds: 1 }] });
    events.emit('jobs:progress', { jobs: [{ jobId: 'other', deviceId: 'hwid:bb', step: 'upload', bytesDone: 1, totalBytes: 1000, bytesPerSecond: 1, etaSeconds: 1 }] });
    events.emit('jobs:changed', { job: summary('verify-upload') });
    jobs.end(summary('done', { state: 'succeeded' }));
    await expect(run).resolves.toEqual({ outcome: 'pass' });
    expect(updates).toEqual([
      { phase: 'flashing', percent: 0 },
      { phase: 'flashing', percent: 25 },
      { phase: 'verifying', percent: null },
    ]);
  });

  it('turns a failed job into a failure naming its code, reason and step', async () => {
    const jobs = new FakeJobs();
    const run = createFlashLineWork(jobs, new CoreEventBus(), '/b.fwb')({ deviceId: 'hwid:aa', port: 'p' }, new AbortController().signal, () => undefined);
    jobs.end(summary('health-check', { state: 'reverted', error: { code: 'FLASH_REVERTED', message: 'health check failed', step: 'health-check', isRetryable: false } }));
    await expect(run).resolves.toEqual({ outcome: 'fail', code: 'FLASH_REVERTED', reason: 'health check failed', step: 'health-check' });
  });

  it('cancels the job when the line aborts, and reports a refused start as a failure', async () => {
    const jobs = new FakeJobs();
    const controller = new AbortController();
    const run = createFlashLineWork(jobs, new CoreEventBus(), '/b.fwb')({ deviceId: 'hwid:aa', port: 'p' }, controller.signal, () => undefined);
    controller.abort();
    await expect(run).resolves.toMatchObject({ outcome: 'fail', code: 'CANCELLED' });
    expect(jobs.cancelled).toEqual(['job-1']);

    jobs.refuse = new AppError('DEVICE_BUSY', 'busy');
    const refused = createFlashLineWork(jobs, new CoreEventBus(), '/b.fwb')({ deviceId: 'hwid:aa', port: 'p' }, controller.signal, () => undefined);
    await expect(refused).resolves.toEqual({ outcome: 'fail', code: 'DEVICE_BUSY', reason: 'busy', step: 'queued' });
  });
});
