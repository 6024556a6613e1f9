import { Code, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useCommand } from '../../bridge';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { View } from '../../ui/View';

export function SettingsView() {
  const info = useCommand('app:info');
  const sync = useCommand('sync:status');
  return (
    <View title="Settings">
      <Stack gap="lg" maw={720}>
        <section aria-labelledby="settings-station">
          <Title id="settings-station" order={2} size="h4" mb="xs">
            This station
          </Title>
          {info.error !== null && <ErrorNotice error={info.error} onRetry={info.reload} />}
          {info.data === undefined && info.error === null && <Skeleton height={120} />}
          {info.data !== undefined && (
            <Table variant="vertical" withTableBorder layout="fixed">
              <Table.Tbody>
                <Row label="Station id" value={<Code>{info.data.stationId}</Code>} />
                <Row label="Data folder" value={<Code>{info.data.dataDir}</Code>} />
                <Row label="Version" value={info.data.version} />
                <Row
                  label="Running as"
                  value={info.data.host === 'electron' ? 'Desktop app' : 'Headless station'}
                />
                <Row label="Platform" value={info.data.platform} />
              </Table.Tbody>
            </Table>
          )}
        </section>
        <section aria-labelledby="settings-fleet">
          <Title id="settings-fleet" order={2} size="h4" mb="xs">
            Fleet server
          </Title>
          {sync.error !== null && <ErrorNotice error={sync.error} onRetry={sync.reload} />}
          <Text size="sm">
            {sync.data?.serverUrl != null ? (
              <Code>{sync.data.serverUrl}</Code>
            ) : (
              'Not connected to a fleet server.'
            )}
          </Text>
          <Text size="sm" c="dimmed" mt={4}>
            Records are kept on this station and sync once a fleet server is configured; enrollment settings
            come next.
          </Text>
        </section>
      </Stack>
    </View>
  );
}

function Row({ label, value }: { label: string; value: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th w={160} scope="row">
        {label}
      </Table.Th>
      <Table.Td>{value}</Table.Td>
    </Table.Tr>
  );
}
