import { Group, Title } from '@mantine/core';
import { useEffect, useId, useRef, type ReactNode } from 'react';

interface ViewProps {
  /** The view's name, shown as the page heading (h1) and naming the region. */
  title: string;
  /** A count or actions, on the heading's right. */
  aside?: ReactNode;
  /**
   * Moves focus to the heading when the view opens, for views reached from inside another one (a
   * device's detail from its row): a screen reader then announces where the person landed.
   */
  focusHeadingOnMount?: boolean;
  children: ReactNode;
}

export function View({ title, aside, focusHeadingOnMount = false, children }: ViewProps) {
  const headingId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focusHeadingOnMount) headingRef.current?.focus({ preventScroll: true });
  }, [focusHeadingOnMount]);
  return (
    <section aria-labelledby={headingId}>
      <Group justify="space-between" align="center" mb="md" wrap="wrap">
        <Title
          ref={headingRef}
          id={headingId}
          order={1}
          size="h2"
          tabIndex={focusHeadingOnMount ? -1 : undefined}
          style={focusHeadingOnMount ? { outline: 'none' } : undefined}
        >
          {title}
        </Title>
        {aside}
      </Group>
      {children}
    </section>
  );
}
