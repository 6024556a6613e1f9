import { useCallback, useEffect, useState } from 'react';
import type { JobProgress, JobSummary } from '../../../shared/contract';
import { toAppError, type AppError } from '../../../shared/errors';
import { useBridge, useEvent, useReconnected } from '../../bridge';

export interface JobsFeed {
  /** `undefined` while the first list loads; newest first. */
  jobs: JobSummary[] | undefined;
  /** The latest progress of each running job, by job id. */
  progress: ReadonlyMap<string, JobProgress>;
  error: AppError | null;
  reload: () => void;
}

/** The station's jobs, live: `jobs:list`, then `jobs:changed` upserts and batched `jobs:progress`. */
export function useJobs(): JobsFeed {
  const bridge = useBridge();
  const [jobs, setJobs] = useState<Map<string, JobSummary> | undefined>(undefined);
  const [progress, setProgress] = useState<ReadonlyMap<string, JobProgress>>(new Map());
  const [error, setError] = useState<AppError | null>(null);
  const [loadCount, setLoadCount] = useState(0);
  const reload = useCallback(() => setLoadCount((count) => count + 1), []);
  useReconnected(reload);

  useEvent('jobs:changed', ({ job }) => {
    setJobs((known) => new Map(known ?? []).set(job.id, job));
  });
  useEvent('jobs:progress', ({ jobs: moved }) => {
    setProgress((known) => {
      const next = new Map(known);
      for (const entry of moved) next.set(entry.jobId, entry);
      return next;
    });
  });

  useEffect(() => {
    let isCurrent = true;
    bridge.invoke('jobs:list').then(
      ({ jobs: listed }) => {
        if (!isCurrent) return;
        setError(null);
        setJobs((known) => {
          const next = new Map(listed.map((job) => [job.id, job]));
          // A change pushed while the list was on its way is newer than the list's snapshot.
          for (const [id, job] of known ?? []) {
            const fromList = next.get(id);
            if (fromList === undefined || fromList.updatedAt < job.updatedAt) next.set(id, job);
          }
          return next;
        });
      },
      (failure: unknown) => {
        if (isCurrent) setError(toAppError(failure));
      },
    );
    return () => {
      isCurrent = false;
    };
  }, [bridge, loadCount]);

  const sorted =
    jobs === undefined
      ? undefined
      : [...jobs.values()].sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id));
  return { jobs: sorted, progress, error, reload };
}
