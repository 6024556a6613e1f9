import { Group, NativeSelect, Text } from '@mantine/core';
import { useMemo, useState } from 'react';
import type { BundleSummary, JobSummary } from '../../../shared/contract';
import { useCommand, useEvent } from '../../bridge';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { LoadingRows } from '../../ui/LoadingRows';
import { View } from '../../ui/View';
import { isActiveJob } from './job-format';
import { JobsTable } from './JobsTable';
import { useDeviceSerials } from './use-device-serials';
import { useJobs } from './use-jobs';

const FILTERS = {
  all: { label: 'All jobs', keep: () => true },
  active: { label: 'Queued and running', keep: (job: JobSummary) => isActiveJob(job.state) },
  problems: {
    label: 'Failed and reverted',
    keep: (job: JobSummary) => job.state === 'failed' || job.state === 'reverted',
  },
  finished: { label: 'Finished', keep: (job: JobSummary) => !isActiveJob(job.state) },
} as const;
type FilterId = keyof typeof FILTERS;

/** Running and recent jobs of this station, live, with cancel and retry (ux.md, "Jobs"). */
export function JobsView() {
  const feed = useJobs();
  const [filter, setFilter] = useState<FilterId>('all');
  const library = useCommand('firmware:list');
  useEvent('firmware:changed', library.reload);
  const bundlesByPath = useMemo(
    () =>
      new Map<string, BundleSummary>((library.data?.bundles ?? []).map((bundle) => [bundle.path, bundle])),
    [library.data],
  );
  const serials = useDeviceSerials(feed.jobs?.map((job) => job.deviceId) ?? []);
  const shown = feed.jobs?.filter(FILTERS[filter].keep);
  const runningCount = feed.jobs?.filter((job) => isActiveJob(job.state)).length ?? 0;

  return (
    <View
      title="Jobs"
      aside={
        feed.jobs !== undefined &&
        feed.jobs.length > 0 && (
          <Group gap="md" align="flex-end">
            <Text size="sm" c="dimmed">
              {runningCount === 1 ? '1 running' : `${runningCount} running`} · {feed.jobs.length} in all
            </Text>
            <NativeSelect
              label="Show"
              size="xs"
              value={filter}
              onChange={(event) => setFilter(event.currentTarget.value as FilterId)}
              data={Object.entries(FILTERS).map(([value, { label }]) => ({ value, label }))}
            />
          </Group>
        )
      }
    >
      {feed.error !== null && <ErrorNotice error={feed.error} onRetry={feed.reload} />}
      {feed.jobs === undefined && feed.error === null && <LoadingRows label="Loading jobs…" rows={4} />}
      {feed.jobs !== undefined && feed.jobs.length === 0 && (
        <EmptyState
          title="No jobs yet"
          nextStep="Flash a device from its detail page or from a bundle in the Firmware view; each job shows here with its steps, progress and result."
        />
      )}
      {shown !== undefined && feed.jobs !== undefined && feed.jobs.length > 0 && shown.length === 0 && (
        <EmptyState
          title="No jobs match this filter"
          nextStep="Choose “All jobs” to see every job of this station run."
        />
      )}
      {shown !== undefined && shown.length > 0 && (
        <JobsTable jobs={shown} progress={feed.progress} bundlesByPath={bundlesByPath} serials={serials} />
      )}
    </View>
  );
}
