import { Group, Progress, Stack, Text } from '@mantine/core';
import type { JobProgress, JobSummary } from '../../../shared/contract';
import { formatBytes, formatEta, formatRate, STEP_LABELS } from './job-format';

/**
 * A running job's progress, honest about what is known (ux.md): the step in words, and during a
 * transfer the percentage, bytes, rate and ETA; before the first bytes, the step alone.
 */
export function JobProgressBar({ job, progress }: { job: JobSummary; progress: JobProgress | undefined }) {
  const step = progress?.step ?? job.step;
  const hasBytes = progress !== undefined && progress.totalBytes > 0;
  const percent = hasBytes ? Math.min(100, Math.floor((progress.bytesDone / progress.totalBytes) * 100)) : 0;
  return (
    <Stack gap={2} miw={220}>
      <Text size="sm">{STEP_LABELS[step]}</Text>
      {hasBytes && (
        <>
          <Progress
            value={percent}
            size="md"
            aria-label={`Progress of job ${job.id}`}
            color="violet"
            animated={percent < 100}
          />
          <Group gap="xs" wrap="nowrap">
            <Text size="xs" ff="monospace">
              {percent}% · {formatBytes(progress.bytesDone)} of {formatBytes(progress.totalBytes)}
            </Text>
            <Text size="xs" c="dimmed" ff="monospace">
              {formatRate(progress.bytesPerSecond)} · {formatEta(progress.etaSeconds)}
            </Text>
          </Group>
        </>
      )}
    </Stack>
  );
}
