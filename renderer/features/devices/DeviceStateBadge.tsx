import { Badge, type MantineColor } from '@mantine/core';
import type { LifecycleState } from '../../../shared/contract';
import { LIFECYCLE_LABELS } from './device-labels';

const COLORS: Record<LifecycleState, MantineColor> = {
  new: 'blue',
  provisioned: 'cyan',
  enrolled: 'indigo',
  configured: 'teal',
  'in-service': 'green',
  retired: 'gray',
  failed: 'red',
};

export function DeviceStateBadge({ state }: { state: LifecycleState }) {
  return (
    <Badge color={COLORS[state]} variant="light" size="sm" radius="sm">
      {LIFECYCLE_LABELS[state]}
    </Badge>
  );
}
