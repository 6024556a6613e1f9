import { Anchor, Group, Stack, Text } from '@mantine/core';
import type { JobProgress, JobSummary } from '../../../shared/contract';
import { JOBS_HREF } from './jobs-href';
import { JobActions } from './JobActions';
import { JobErrorNotice } from './JobErrorNotice';
import { isActiveJob } from './job-format';
import { JobProgressBar } from './JobProgressBar';
import { JobStateBadge } from './JobStateBadge';

/** One job inline (device detail, Firmware view): live progress while it runs, then its outcome. */
export function JobOutcome({
  job,
  progress,
  deviceLabel,
  onStarted,
}: {
  job: JobSummary;
  progress: JobProgress | undefined;
  deviceLabel: string;
  /** A Retry started a new job: the view shows that one from now on. */
  onStarted?: (job: JobSummary) => void;
}) {
  return (
    <Stack gap="xs" data-job-id={job.id} aria-live="polite">
      <Group gap="xs">
        <JobStateBadge state={job.state} />
        <Text size="sm">
          {job.firmwareVersion === null ? 'Firmware job' : `Firmware ${job.firmwareVersion}`} on {deviceLabel}
        </Text>
        <Anchor href={JOBS_HREF} size="sm">
          Open in Jobs
        </Anchor>
      </Group>
      {isActiveJob(job.state) && <JobProgressBar job={job} progress={progress} />}
      {job.state === 'succeeded' && (
        <Text size="sm">
          Installed: the device runs the new image, its hash verified, confirmed after the health check.
        </Text>
      )}
      {job.state === 'cancelled' && <Text size="sm">Cancelled at “{job.step}”.</Text>}
      {job.error !== null && <JobErrorNotice error={job.error} />}
      <JobActions job={job} deviceLabel={deviceLabel} {...(onStarted === undefined ? {} : { onStarted })} />
    </Stack>
  );
}
