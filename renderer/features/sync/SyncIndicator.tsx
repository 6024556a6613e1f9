import { Box, Group, Text, type MantineColor } from '@mantine/core';
import { ERROR_TABLE } from '../../../shared/errors';
import { useConnectionState } from '../../bridge';
import { describeSync, type SyncTone } from './describe-sync';
import { useSyncStatus } from './use-sync-status';

const DOT_COLORS: Record<SyncTone, MantineColor> = {
  ok: 'teal',
  busy: 'blue',
  waiting: 'gray',
  attention: 'orange',
};

/** A small dot and a line of text in the header; announced politely, never as an alert. */
export function SyncIndicator() {
  const connection = useConnectionState();
  const { status, error } = useSyncStatus();
  const description = describeSync(status, connection);
  const hint =
    error !== null ? ERROR_TABLE[error.code].title : (status?.lastError ?? status?.serverUrl ?? undefined);
  return (
    <Group gap={6} wrap="nowrap" role="status" aria-live="polite" title={hint}>
      {description !== null && (
        <>
          <Box
            w={8}
            h={8}
            bg={DOT_COLORS[description.tone]}
            style={{ borderRadius: '50%', flex: 'none' }}
            aria-hidden
          />
          <Text size="sm" c="dimmed" truncate>
            {description.text}
          </Text>
        </>
      )}
    </Group>
  );
}
