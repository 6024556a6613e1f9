import { useState } from 'react';
import type { JobProgress, JobSummary } from '../../../shared/contract';
import { useJobs } from './use-jobs';

/**
 * The job a view started (or, with `deviceId`, the newest job for that device this station runs),
 * kept live from the jobs feed, so its progress and outcome show where it was started.
 */
export function useStartedJob(deviceId?: string): {
  job: JobSummary | undefined;
  progress: JobProgress | undefined;
  started: (job: JobSummary) => void;
} {
  const feed = useJobs();
  const [startedJob, setStartedJob] = useState<JobSummary | undefined>(undefined);
  const live = startedJob === undefined ? undefined : feed.jobs?.find((job) => job.id === startedJob.id);
  const newestForDevice =
    deviceId === undefined ? undefined : feed.jobs?.find((job) => job.deviceId === deviceId);
  const job = live ?? startedJob ?? newestForDevice;
  return { job, progress: job === undefined ? undefined : feed.progress.get(job.id), started: setStartedJob };
}
