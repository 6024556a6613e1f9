import { Button, Center, Group, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { LoadingRows } from '../../ui/LoadingRows';
import { View } from '../../ui/View';
import { ExportRecordsButton } from './ExportRecordsButton';
import { RecordsTable } from './RecordsTable';
import { useLedgerFeed } from './use-ledger-feed';

/** Typing a filter asks the core once the person pauses, not on every key. */
const FILTER_DEBOUNCE_MS = 300;

export function RecordsView() {
  const [type, setType] = useState('');
  const [deviceId, setDeviceId] = useState('');
  const [text, setText] = useState('');
  const [typeFilter] = useDebouncedValue(type, FILTER_DEBOUNCE_MS);
  const [deviceFilter] = useDebouncedValue(deviceId, FILTER_DEBOUNCE_MS);
  const [textFilter] = useDebouncedValue(text, FILTER_DEBOUNCE_MS);
  const filters = { type: typeFilter, deviceId: deviceFilter, text: textFilter };
  const feed = useLedgerFeed(filters);
  const isFiltered = typeFilter.trim() !== '' || deviceFilter.trim() !== '' || textFilter.trim() !== '';
  const { events, nextBefore } = feed.page;

  return (
    <View title="Records">
      <Group mb="sm" align="flex-end">
        <TextInput
          label="Search"
          placeholder="Serial, hash, error code…"
          value={text}
          onChange={(event) => setText(event.currentTarget.value)}
        />
        <TextInput
          label="Event type"
          placeholder="e.g. device.discovered"
          value={type}
          onChange={(event) => setType(event.currentTarget.value)}
        />
        <TextInput
          label="Device id"
          placeholder="Any device"
          value={deviceId}
          onChange={(event) => setDeviceId(event.currentTarget.value)}
        />
        <Group ml="auto">
          <ExportRecordsButton filters={filters} />
        </Group>
      </Group>
      {feed.error !== null && <ErrorNotice error={feed.error} onRetry={feed.retry} />}
      {!feed.hasLoaded && <LoadingRows label="Loading records…" />}
      {feed.hasLoaded && events.length === 0 && feed.error === null && (
        <EmptyState
          title={isFiltered ? 'No records match these filters' : 'No records yet'}
          nextStep={
            isFiltered
              ? 'Check the search text, event type and device id, or clear the filters.'
              : 'Every discovery, flash, enrollment and configuration is recorded here as it happens.'
          }
        />
      )}
      {events.length > 0 && <RecordsTable events={events} />}
      {nextBefore !== null && (
        <Center mt="md">
          <Button variant="default" loading={feed.isLoadingOlder} onClick={feed.loadOlder}>
            Load older
          </Button>
        </Center>
      )}
    </View>
  );
}
