import { Badge, type MantineColor } from '@mantine/core';
import type { LifecycleState } from '../../../shared/contract';

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
      {state.replace('-', ' ')}
    </Badge>
  );
}
