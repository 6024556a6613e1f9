import { Group, Title } from '@mantine/core';
import { useId, type ReactNode } from 'react';

interface SectionProps {
  /** The section's heading (h2); it also names the region, so tests and screen readers can find it. */
  title: string;
  /** A count or an action, on the heading's right. */
  aside?: ReactNode;
  children: ReactNode;
}

/** A part of a view under an h2, e.g. "History" in a device's detail or "Fleet server" in Settings. */
export function Section({ title, aside, children }: SectionProps) {
  const headingId = useId();
  return (
    <section aria-labelledby={headingId}>
      <Group justify="space-between" align="baseline" mb="xs" gap="xs">
        <Title id={headingId} order={2} size="h4">
          {title}
        </Title>
        {aside}
      </Group>
      {children}
    </section>
  );
}
