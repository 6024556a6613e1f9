import { Box, Code, DataList, Group, Text, type MantineColor } from '@mantine/core';
import type { ReactNode } from 'react';
import type { SyncStatus } from '../../../shared/contract';
import { formatTimestamp } from '../../ui/format-time';

type EnrolledState = Exclude<SyncStatus['state'], 'not-configured'>;

/** Offline is normal (ux.md): grey and plain words, never red. Only a refusal that needs a person is orange. */
const STATE_PRESENTATION: Record<EnrolledState, { word: string; color: MantineColor }> = {
  idle: { word: 'Connected', color: 'teal' },
  syncing: { word: 'Sending records…', color: 'blue' },
  offline: {
    word: 'Offline — records wait on this station and are sent when the server answers',
    color: 'gray',
  },
  error: { word: 'Needs attention — sync retries by itself; see the last error', color: 'orange' },
};

const records = (count: number): string =>
  count === 0 ? 'None' : `${count} ${count === 1 ? 'record' : 'records'}`;

/** Where sync with an enrolled fleet server stands, from `sync:status` and `sync:status-changed`. */
export function SyncStatusDetails({ status }: { status: SyncStatus & { state: EnrolledState } }) {
  const { word, color } = STATE_PRESENTATION[status.state];
  return (
    <DataList size="sm" gap={6} labelWidth="11rem">
      <Fact label="Server">
        {status.serverUrl === null ? <Dimmed text="Unknown" /> : <Code>{status.serverUrl}</Code>}
      </Fact>
      <Fact label="State">
        <Group gap={6} wrap="nowrap" align="baseline">
          <Box w={8} h={8} bg={color} style={{ borderRadius: '50%', flex: 'none' }} aria-hidden />
          <Text span size="sm">
            {word}
          </Text>
        </Group>
      </Fact>
      <Fact label="Waiting to sync">{records(status.pendingCount)}</Fact>
      <Fact label="Last successful sync">
        {status.lastSuccessAt === null ? (
          <Dimmed text="Not yet" />
        ) : (
          <time dateTime={status.lastSuccessAt}>{formatTimestamp(status.lastSuccessAt)}</time>
        )}
      </Fact>
      <Fact label="Last error">
        {status.lastError === null ? (
          <Dimmed text="None" />
        ) : (
          <Text span size="sm" style={{ overflowWrap: 'anywhere' }}>
            {status.lastError}
          </Text>
        )}
      </Fact>
    </DataList>
  );
}

export function isEnrolled(status: SyncStatus): status is SyncStatus & { state: EnrolledState } {
  return status.state !== 'not-configured';
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <DataList.Item>
      <DataList.ItemLabel c="dimmed">{label}</DataList.ItemLabel>
      <DataList.ItemValue>{children}</DataList.ItemValue>
    </DataList.Item>
  );
}

function Dimmed({ text }: { text: string }) {
  return (
    <Text span size="sm" c="dimmed">
      {text}
    </Text>
  );
}
