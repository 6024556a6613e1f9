import { Code, Table, Text } from '@mantine/core';
import { hlcToIso } from '../../../shared/ledger/hlc';
import { formatTimestamp } from '../../ui/format-time';
import type { LedgerRow } from './ledger-page';

const SHORT_HASH_LENGTH = 12;

/** Ledger events, newest first; type and actor are plain text so they can be searched and found. */
export function RecordsTable({ events }: { events: readonly LedgerRow[] }) {
  return (
    <Table striped highlightOnHover verticalSpacing={6}>
      <Table.Thead>
        <Table.Tr>
          {['Time', 'Type', 'Device', 'Actor', 'Station', 'Hash'].map((column) => (
            <Table.Th key={column} scope="col">
              {column}
            </Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {events.map((event) => (
          <RecordRow key={event.id} event={event} />
        ))}
      </Table.Tbody>
    </Table>
  );
}

function RecordRow({ event }: { event: LedgerRow }) {
  const iso = hlcToIso(event.hlc);
  return (
    <Table.Tr data-event-id={event.id}>
      <Table.Td>{iso === null ? event.hlc : <time dateTime={iso}>{formatTimestamp(iso)}</time>}</Table.Td>
      <Table.Td>{event.type}</Table.Td>
      <Table.Td ff="monospace">
        {event.deviceId ?? (
          <Text span c="dimmed">
            —
          </Text>
        )}
      </Table.Td>
      <Table.Td>{event.actor}</Table.Td>
      <Table.Td ff="monospace">{event.stationId}</Table.Td>
      <Table.Td>
        <Code title={event.hash}>{event.hash.slice(0, SHORT_HASH_LENGTH)}</Code>
      </Table.Td>
    </Table.Tr>
  );
}
