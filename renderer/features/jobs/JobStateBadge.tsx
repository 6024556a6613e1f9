import { Badge, type MantineColor } from '@mantine/core';
import type { JobState } from '../../../shared/contract';
import { STATE_LABELS } from './job-format';

const COLORS: Record<JobState, MantineColor> = {
  queued: 'gray',
  running: 'violet',
  succeeded: 'green',
  failed: 'red',
  reverted: 'orange',
  cancelled: 'gray',
};

export function JobStateBadge({ state }: { state: JobState }) {
  return (
    <Badge color={COLORS[state]} variant="light" size="sm" radius="sm" data-job-state={state}>
      {STATE_LABELS[state]}
    </Badge>
  );
}
