import { Button, Group, Loader, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import type { SyncStatus } from '../../../shared/contract';
import { toAppError, type AppError } from '../../../shared/errors';
import { useBridge } from '../../bridge';
import { ErrorNotice } from '../../ui/ErrorNotice';

const records = (count: number): string => `${count} ${count === 1 ? 'record' : 'records'}`;

/** What a finished `sync:now` means for the person, in one calm sentence. */
export function describeSyncOutcome(status: SyncStatus): string {
  switch (status.state) {
    case 'offline':
      return `The fleet server did not answer. ${records(status.pendingCount)} wait here and are sent automatically when it does.`;
    case 'error':
      return `Sync did not finish; ${records(status.pendingCount)} wait here. The last error says why.`;
    case 'syncing':
      return 'A sync is already running; the state above follows it.';
    default:
      return status.pendingCount === 0
        ? 'Nothing waiting: every record is on the fleet server.'
        : `${records(status.pendingCount)} still waiting; they are sent in the background.`;
  }
}

/** Sends waiting records now rather than at the next scheduled attempt; says what it is doing meanwhile. */
export function SyncNowButton({ onSynced }: { onSynced: (status: SyncStatus) => void }) {
  const bridge = useBridge();
  const [isSyncing, setIsSyncing] = useState(false);
  const [outcome, setOutcome] = useState<string | null>(null);
  const [failure, setFailure] = useState<AppError | null>(null);

  const syncNow = () => {
    setIsSyncing(true);
    setOutcome(null);
    setFailure(null);
    bridge.invoke('sync:now').then(
      (status) => {
        setIsSyncing(false);
        setOutcome(describeSyncOutcome(status));
        onSynced(status);
      },
      (error: unknown) => {
        setIsSyncing(false);
        setFailure(toAppError(error));
      },
    );
  };

  return (
    <Stack gap="xs">
      <Group gap="sm" wrap="nowrap">
        <Button
          variant="default"
          onClick={syncNow}
          disabled={isSyncing}
          leftSection={isSyncing ? <Loader size={14} /> : undefined}
          style={{ flex: 'none' }}
        >
          {isSyncing ? 'Syncing…' : 'Sync now'}
        </Button>
        <Text size="sm" c="dimmed" role="status">
          {isSyncing ? 'Sending waiting records to the fleet server…' : (outcome ?? '')}
        </Text>
      </Group>
      {failure !== null && <ErrorNotice error={failure} onRetry={syncNow} />}
    </Stack>
  );
}
