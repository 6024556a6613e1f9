import { Skeleton, Stack, VisuallyHidden } from '@mantine/core';

/** Skeleton rows for a table still loading; the words are for screen readers (no spinner without words). */
export function LoadingRows({ label, rows = 6 }: { label: string; rows?: number }) {
  return (
    <Stack gap={6} role="status" aria-busy="true">
      <VisuallyHidden>{label}</VisuallyHidden>
      {Array.from({ length: rows }, (_, index) => (
        <Skeleton key={index} height={28} radius="sm" />
      ))}
    </Stack>
  );
}
