import { Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

interface EmptyStateProps {
  title: string;
  /** The next step, as one sentence (ux.md, "States every view handles"). */
  nextStep: string;
  /** The heading level: 2 for a view's own empty state, 3 inside a section that has an h2. */
  headingOrder?: 2 | 3;
  children?: ReactNode;
}

export function EmptyState({ title, nextStep, headingOrder = 2, children }: EmptyStateProps) {
  return (
    <Stack align="center" gap="xs" py="xl" ta="center">
      <Title order={headingOrder} size="h4">
        {title}
      </Title>
      <Text c="dimmed" maw={520}>
        {nextStep}
      </Text>
      {children}
    </Stack>
  );
}
