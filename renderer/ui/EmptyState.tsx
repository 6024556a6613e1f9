import { Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

interface EmptyStateProps {
  title: string;
  /** The next step, as one sentence (ux.md, "States every view handles"). */
  nextStep: string;
  children?: ReactNode;
}

export function EmptyState({ title, nextStep, children }: EmptyStateProps) {
  return (
    <Stack align="center" gap="xs" py="xl" ta="center">
      <Title order={2} size="h4">
        {title}
      </Title>
      <Text c="dimmed" maw={520}>
        {nextStep}
      </Text>
      {children}
    </Stack>
  );
}
