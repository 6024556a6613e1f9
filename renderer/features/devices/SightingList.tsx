import { Badge, Group, Stack, Text } from '@mantine/core';
import type { Sighting } from '../../../shared/contract';
import { TRANSPORT_LABELS } from './device-labels';

/** Where a device is seen right now: one transport badge and address per sighting. */
export function SightingList({ sightings }: { sightings: readonly Sighting[] }) {
  if (sightings.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        Not connected
      </Text>
    );
  }
  return (
    <Stack gap={2}>
      {sightings.map((sighting) => (
        <Group key={`${sighting.transport}:${sighting.address}`} gap={6} wrap="nowrap">
          <Badge variant="outline" color="gray" size="sm" radius="sm" style={{ flex: 'none' }}>
            {TRANSPORT_LABELS[sighting.transport]}
          </Badge>
          <Text size="sm" ff="monospace" truncate title={sighting.address}>
            {sighting.address}
          </Text>
        </Group>
      ))}
    </Stack>
  );
}
