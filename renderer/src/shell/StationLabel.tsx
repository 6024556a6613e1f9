import { Code, Group, Text } from '@mantine/core';
import { ERROR_TABLE } from '../../../shared/errors';
import { useCommand } from '../../bridge';

/** Which station this window talks to; the full details are in Settings. */
export function StationLabel() {
  const { data, error } = useCommand('app:info');
  if (error !== null) {
    return (
      <Text
        size="sm"
        c="dimmed"
        title={`${ERROR_TABLE[error.code].title}: ${ERROR_TABLE[error.code].action}`}
      >
        Station unknown
      </Text>
    );
  }
  if (data === undefined) return null;
  return (
    <Group gap={6} wrap="nowrap" visibleFrom="xs">
      <Text size="sm" c="dimmed">
        Station
      </Text>
      <Code
        title={data.stationId}
        maw={220}
        style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}
      >
        {data.stationId}
      </Code>
    </Group>
  );
}
