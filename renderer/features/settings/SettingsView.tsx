import { Code, Skeleton, Stack, Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useCommand } from '../../bridge';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { Section } from '../../ui/Section';
import { View } from '../../ui/View';
import { FleetServerSection } from './FleetServerSection';
import { TrustAnchorsSection } from './TrustAnchorsSection';

export function SettingsView() {
  const info = useCommand('app:info');
  return (
    <View title="Settings">
      <Stack gap="xl" maw={760}>
        <Section title="This station">
          {info.error !== null && <ErrorNotice error={info.error} onRetry={info.reload} />}
          {info.data === undefined && info.error === null && <Skeleton height={120} />}
          {info.data !== undefined && (
            <Table variant="vertical" withTableBorder layout="fixed">
              <Table.Tbody>
                <Row label="Station id" value={<Code>{info.data.stationId}</Code>} />
                <Row
                  label="Data folder"
                  value={
                    <Stack gap={2}>
                      <Code>{info.data.dataDir}</Code>
                      <Text size="xs" c="dimmed">
                        The ledger, firmware library and station keys live here. To use another folder, start
                        Fieldline with --data-dir or FIELDLINE_DATA_DIR.
                      </Text>
                    </Stack>
                  }
                />
                <Row label="Version" value={info.data.version} />
                <Row
                  label="Running as"
                  value={info.data.host === 'electron' ? 'Desktop app' : 'Headless station'}
                />
                <Row label="Platform" value={info.data.platform} />
              </Table.Tbody>
            </Table>
          )}
        </Section>
        <FleetServerSection />
        <TrustAnchorsSection />
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
