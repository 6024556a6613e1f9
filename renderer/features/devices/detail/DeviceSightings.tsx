import { Badge, Table, Text } from '@mantine/core';
import type { Sighting } from '../../../../shared/contract';
import { formatTimestamp } from '../../../ui/format-time';
import { TRANSPORT_LABELS } from '../device-labels';

/** Every transport the device is seen on right now, with the address and when it last answered there. */
export function DeviceSightings({ sightings }: { sightings: readonly Sighting[] }) {
  if (sightings.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        Not connected right now. Plug it in, or check its cable or network; its records stay available here.
      </Text>
    );
  }
  return (
    <Table verticalSpacing={4} layout="fixed">
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col" w="6rem">
            Transport
          </Table.Th>
          <Table.Th scope="col">Address</Table.Th>
          <Table.Th scope="col" w="11rem">
            Last seen
          </Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {sightings.map((sighting) => (
          <Table.Tr key={`${sighting.transport}:${sighting.address}`} data-transport={sighting.transport}>
            <Table.Td>
              <Badge variant="outline" color="gray" size="sm" radius="sm">
                {TRANSPORT_LABELS[sighting.transport]}
              </Badge>
            </Table.Td>
            <Table.Td ff="monospace" style={{ overflowWrap: 'anywhere' }}>
              {sighting.address}
            </Table.Td>
            <Table.Td>
              <time dateTime={sighting.lastSeenAt}>{formatTimestamp(sighting.lastSeenAt)}</time>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
