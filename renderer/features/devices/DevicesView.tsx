import { Button, Text } from '@mantine/core';
import { useDeferredValue, useMemo } from 'react';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { LoadingRows } from '../../ui/LoadingRows';
import { View } from '../../ui/View';
import { openDevice } from './device-href';
import { DeviceFilterBar } from './DeviceFilterBar';
import { DeviceTable } from './DeviceTable';
import { filterDevices, NO_DEVICE_FILTERS, type DeviceFilters } from './filter-devices';
import { useDeviceFilters } from './use-device-filters';
import { useDeviceList } from './use-device-list';

export function DevicesView() {
  const { devices, highlightedIds, isLoaded, error, reload } = useDeviceList();
  const [filters, setFilters] = useDeviceFilters();
  // Filtering 100,000 rows must not make typing lag; React renders the filtered list when it can.
  const deferredFilters = useDeferredValue(filters);
  const shown = useMemo(() => filterDevices(devices, deferredFilters), [devices, deferredFilters]);

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
      <DeviceFilterBar filters={filters} onChange={setFilters} />
      {error !== null && <ErrorNotice error={error} onRetry={reload} />}
      {!isLoaded && error === null && <LoadingRows label="Loading devices…" />}
      {isLoaded && devices.length === 0 && (
        <EmptyState
          title="No devices yet"
          nextStep="Plug in a device or start the device lab (npm run lab)."
        />
      )}
      {isLoaded && devices.length > 0 && shown.length === 0 && (
        <NoMatch filters={filters} onClear={() => setFilters(NO_DEVICE_FILTERS)} />
      )}
      {isLoaded && shown.length > 0 && (
        <DeviceTable devices={shown} highlightedIds={highlightedIds} onOpen={openDevice} />
      )}
    </View>
  );
}

function countLabel(shown: number, total: number): string {
  const noun = total === 1 ? 'device' : 'devices';
  return shown === total ? `${total} ${noun}` : `${shown} of ${total} ${noun}`;
}

function NoMatch({ filters, onClear }: { filters: DeviceFilters; onClear: () => void }) {
  const isNarrowedBeyondSearch = filters.state !== 'any' || filters.seenOn !== 'any';
  return (
    <EmptyState
      title={isNarrowedBeyondSearch ? 'No devices match these filters' : 'No devices match this search'}
      nextStep={
        isNarrowedBeyondSearch
          ? 'Check the search, state and transport, or clear the filters.'
          : 'Check the serial, id or model, or clear the search.'
      }
    >
      <Button variant="default" onClick={onClear}>
        Show all devices
      </Button>
    </EmptyState>
  );
}
