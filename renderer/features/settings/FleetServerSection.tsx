import { Alert, Button, Skeleton, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import type { SyncStatus } from '../../../shared/contract';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { Section } from '../../ui/Section';
import { useSyncStatus } from '../sync/use-sync-status';
import { EnrollStationForm } from './EnrollStationForm';
import { SyncNowButton } from './SyncNowButton';
import { isEnrolled, SyncStatusDetails } from './SyncStatusDetails';

/**
 * Settings → Fleet server: enrollment with a bootstrap token while the station has no server, then
 * the sync status and "Sync now". Not being connected is a normal state, described rather than alarmed.
 */
export function FleetServerSection() {
  const sync = useSyncStatus();
  const [enrolledAt, setEnrolledAt] = useState<string | null>(null);
  const [isEnrollingAgain, setIsEnrollingAgain] = useState(false);
  const { status } = sync;

  const enrolled = (next: SyncStatus) => {
    sync.accept(next);
    setEnrolledAt(next.serverUrl);
    setIsEnrollingAgain(false);
  };

  return (
    <Section title="Fleet server">
      {sync.error !== null && <ErrorNotice error={sync.error} onRetry={sync.reload} />}
      {status === undefined && sync.error === null && <Skeleton height={160} />}
      {status !== undefined && !isEnrolled(status) && (
        <Stack gap="sm">
          <div>
            <Text fw={500}>Not connected to a fleet server</Text>
            <Text size="sm" c="dimmed">
              {status.pendingCount > 0
                ? `${status.pendingCount === 1 ? '1 record is' : `${status.pendingCount} records are`} kept on this station and sent once it is enrolled. `
                : 'Records are kept on this station and sent once it is enrolled. '}
              Ask the fleet administrator for the server’s address, a bootstrap token and the fleet CA
              certificate.
            </Text>
          </div>
          <EnrollStationForm onEnrolled={enrolled} />
        </Stack>
      )}
      {status !== undefined && isEnrolled(status) && (
        <Stack gap="md">
          {enrolledAt !== null && (
            <Alert color="teal" variant="light" title="Station enrolled" role="status">
              This station’s records now go to {enrolledAt} in the background.
            </Alert>
          )}
          <SyncStatusDetails status={status} />
          <SyncNowButton onSynced={sync.accept} />
          {isEnrollingAgain ? (
            <Stack gap="xs">
              <Text size="sm" c="dimmed">
                Enrolling again replaces this station’s fleet certificate, e.g. after the server refused it.
              </Text>
              <EnrollStationForm
                initialServerUrl={status.serverUrl ?? ''}
                onEnrolled={enrolled}
                onCancel={() => setIsEnrollingAgain(false)}
              />
            </Stack>
          ) : (
            <Button variant="subtle" size="xs" w="fit-content" onClick={() => setIsEnrollingAgain(true)}>
              Enroll again…
            </Button>
          )}
        </Stack>
      )}
    </Section>
  );
}
