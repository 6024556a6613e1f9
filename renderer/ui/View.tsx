import { Group, Title } from '@mantine/core';
import { useId, type ReactNode } from 'react';

interface ViewProps {
  /** The view's name, shown as the page heading (h1) and naming the region. */
  title: string;
  /** A count or actions, on the heading's right. */
  aside?: ReactNode;
  children: ReactNode;
}

export function View({ title, aside, children }: ViewProps) {
  const headingId = useId();
  return (
    <section aria-labelledby={headingId}>
      <Group justify="space-between" align="center" mb="md" wrap="wrap">
        <Title id={headingId} order={1} size="h2">
          {title}
        </Title>
        {aside}
      </Group>
      {children}
    </section>
  );
}
