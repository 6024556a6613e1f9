import type { JobStep, JobSummary } from '../../../shared/contract';
import { toAppError } from '../../../shared/errors';
import type { CoreEventBus } from '../event-bus';
import type { StartJobRequest } from '../jobs/job-service';
import type { LineWork, LineWorkUpdate } from './line-work';

/** The part of JobService the line needs. */
export interface LineJobs {
  start(request: StartJobRequest): JobSummary;
  whenDone(jobId: string): Promise<JobSummary>;
  cancel(jobId: string): JobSummary;
}

/** Steps up to the upload write the image; the rest prove it (hash read back, test boot, confirm). */
const FLASHING_STEPS = new Set<JobStep>(['queued', 'connect', 'read-device', 'verify-bundle', 'upload']);

/**
 * Today's line work: one flash job of the locked bundle through JobService (which records every step
 * in the ledger), its progress taken from `jobs:progress` and `jobs:changed`.
 */
export function createFlashLineWork(jobs: LineJobs, events: CoreEventBus, bundlePath: string): LineWork {
  return async (device, signal, report) => {
    let job: JobSummary;
    try {
      job = jobs.start({ deviceId: device.deviceId, bundlePath });
    } catch (error: unknown) {
      const failure = toAppError(error);
      return { outcome: 'fail', code: failure.code, reason: failure.message, step: 'queued' };
    }
    let phase: LineWorkUpdate['phase'] = 'flashing';
    const subscription = events.onEvent((name, payload) => {
      if (name === 'jobs:changed') {
        const changed = (payload as { job: JobSummary }).job;
        if (changed.id !== job.id) return;
        const next = FLASHING_STEPS.has(changed.step) ? 'flashing' : 'verifying';
        if (next !== phase) {
          phase = next;
          report({ phase, percent: null });
        }
      } else if (name === 'jobs:progress') {
        const progress = (payload as { jobs: { jobId: string; bytesDone: number; totalBytes: number }[] }).jobs.find((entry) => entry.jobId === job.id);
        if (progress !== undefined && phase === 'flashing' && progress.totalBytes > 0) {
          report({ phase, percent: Math.min(100, Math.round((progress.bytesDone / progress.totalBytes) * 100)) });
        }
      }
    });
    const cancel = (): void => void jobs.cancel(job.id);
    signal.addEventListener('abort', cancel, { once: true });
    try {
      report({ phase: 'flashing', percent: 0 });
      const ended = await jobs.whenDone(job.id);
      if (ended.state === 'succeeded') return { outcome: 'pass' };
      return {
        outcome: 'fail',
        code: ended.error?.code ?? (ended.state === 'cancelled' ? 'CANCELLED' : 'INTERNAL'),
        reason: ended.error?.message ?? `the job ended ${ended.state}`,
        step: ended.error?.step ?? ended.step,
      };
    } finally {
      signal.removeEventListener('abort', cancel);
      subscription.dispose();
    }
  };
}
