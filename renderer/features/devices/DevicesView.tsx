import { Group, Text, TextInput } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { useDeferredValue, useMemo, useRef, useState } from 'react';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { LoadingRows } from '../../ui/LoadingRows';
import { View } from '../../ui/View';
import { DeviceTable } from './DeviceTable';
import { filterDevices } from './filter-devices';
import { useDeviceList } from './use-device-list';

export function DevicesView() {
  const { devices, highlightedIds, isLoaded, error, reload } = useDeviceList();
  const [query, setQuery] = useState('');
  // Filtering 100,000 rows must not make typing lag; React renders the filtered list when it can.
  const deferredQuery = useDeferredValue(query);
  const shown = useMemo(() => filterDevices(devices, deferredQuery), [devices, deferredQuery]);
  const searchRef = useRef<HTMLInputElement>(null);
  useHotkeys([['/', () => searchRef.current?.focus()]]);

  return (
    <View
      title="Devices"
      aside={
        isLoaded &&
        devices.length > 0 && (
          <Text size="sm" c="dimmed">
            {countLabel(shown.length, devices.length)}
          </Text>
        )
      }
    >
      <Group mb="sm">
        <TextInput
          ref={searchRef}
          label="Search devices"
          placeholder="Serial, id or model — press / to search"
          value={query}
          onChange={(event) => setQuery(event.currentTarget.value)}
          w={360}
        />
      </Group>
      {error !== null && <ErrorNotice error={error} onRetry={reload} />}
      {!isLoaded && error === null && <LoadingRows label="Loading devices…" />}
      {isLoaded && devices.length === 0 && (
        <EmptyState
          title="No devices yet"
          nextStep="Plug in a device or start the device lab (npm run lab)."
        />
      )}
      {isLoaded && devices.length > 0 && shown.length === 0 && (
        <EmptyState
          title="No devices match this search"
          nextStep="Check the serial, id or model, or clear the search."
        />
      )}
      {isLoaded && shown.length > 0 && <DeviceTable devices={shown} highlightedIds={highlightedIds} />}
    </View>
  );
}

function countLabel(shown: number, total: number): string {
  const noun = total === 1 ? 'device' : 'devices';
  return shown === total ? `${total} ${noun}` : `${shown} of ${total} ${noun}`;
}
