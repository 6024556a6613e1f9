import { Code, Group, Table, Text } from '@mantine/core';
import type { LedgerEvent } from '../../../../shared/contract';
import { hlcToIso } from '../../../../shared/ledger/hlc';
import { CopyTextButton } from '../../../ui/CopyTextButton';
import { formatTimestamp } from '../../../ui/format-time';
import { EvidenceList } from './EvidenceList';

const SHORT_HASH_LENGTH = 12;
const SHORT_STATION_LENGTH = 8;

interface DeviceHistoryTableProps {
  /** Newest first. */
  events: readonly LedgerEvent[];
  /** This station's id, so its own records read "This station" instead of an id. */
  stationId: string | undefined;
}

/** The device's ledger timeline with its evidence: who, when, which station, what was recorded. */
export function DeviceHistoryTable({ events, stationId }: DeviceHistoryTableProps) {
  return (
    <Table striped verticalSpacing={6} layout="fixed">
      <colgroup>
        <col style={{ width: '10rem' }} />
        <col style={{ width: '10rem' }} />
        <col style={{ width: '9rem' }} />
        <col style={{ width: '7rem' }} />
        <col style={{ width: '8.5rem' }} />
        <col />
      </colgroup>
      <Table.Thead>
        <Table.Tr>
          {['Time', 'Event', 'Actor', 'Station', 'Hash', 'Evidence'].map((column) => (
            <Table.Th key={column} scope="col">
              {column}
            </Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {events.map((event) => (
          <HistoryRow key={event.id} event={event} isThisStation={event.stationId === stationId} />
        ))}
      </Table.Tbody>
    </Table>
  );
}

function HistoryRow({ event, isThisStation }: { event: LedgerEvent; isThisStation: boolean }) {
  const iso = hlcToIso(event.hlc);
  return (
    <Table.Tr data-event-id={event.id} style={{ verticalAlign: 'top' }}>
      <Table.Td>{iso === null ? event.hlc : <time dateTime={iso}>{formatTimestamp(iso)}</time>}</Table.Td>
      <Table.Td style={{ overflowWrap: 'anywhere' }}>{event.type}</Table.Td>
      <Table.Td style={{ overflowWrap: 'anywhere' }}>{event.actor}</Table.Td>
      <Table.Td>
        {isThisStation ? (
          <Text span size="sm" title={event.stationId}>
            This station
          </Text>
        ) : (
          <Text span size="sm" ff="monospace" title={event.stationId}>
            {event.stationId.slice(0, SHORT_STATION_LENGTH)}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Group gap={2} wrap="nowrap">
          <Code title={event.hash}>{event.hash.slice(0, SHORT_HASH_LENGTH)}</Code>
          <CopyTextButton value={event.hash} label="Copy hash" />
        </Group>
      </Table.Td>
      <Table.Td>
        <EvidenceList payload={event.payload} />
      </Table.Td>
    </Table.Tr>
  );
}
