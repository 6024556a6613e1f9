import { Button, Text } from '@mantine/core';
import { useCallback, useDeferredValue, useMemo } from 'react';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { LoadingRows } from '../../ui/LoadingRows';
import { View } from '../../ui/View';
import { openDevice } from './device-href';
import { DeviceFilterBar } from './DeviceFilterBar';
import { DeviceTable } from './DeviceTable';
import { hasDeviceFilters, NO_DEVICE_FILTERS, toDeviceFilterQuery, type DeviceFilters } from './filter-devices';
import { useDeviceFilters } from './use-device-filters';
import { useDevicePages } from './use-device-pages';

export function DevicesView() {
  const [filters, setFilters] = useDeviceFilters();
  // Typing stays responsive: the query follows the text box when React has time for it.
  const deferredFilters = useDeferredValue(filters);
  const query = useMemo(() => toDeviceFilterQuery(deferredFilters), [deferredFilters]);
  const { cache, total, unfilteredTotal, models, error, highlightedIds } = useDevicePages(query);
  const showRows = useCallback((first: number, last: number) => cache.showRows(first, last), [cache]);
  const reload = useCallback(() => cache.reload(), [cache]);
  const rowAt = useCallback((index: number) => cache.rowAt(index), [cache]);
  const isLoaded = total !== null && unfilteredTotal !== null;

  return (
    <View
      title="Devices"
      aside={
        isLoaded &&
        unfilteredTotal > 0 && (
          <Text size="sm" c="dimmed" aria-live="polite">
            {countLabel(total, unfilteredTotal, hasDeviceFilters(deferredFilters))}
          </Text>
        )
      }
    >
      <DeviceFilterBar filters={filters} models={models} onChange={setFilters} />
      {error !== null && <ErrorNotice error={error} onRetry={reload} />}
      {!isLoaded && error === null && <LoadingRows label="Loading devices…" />}
      {isLoaded && unfilteredTotal === 0 && (
        <EmptyState
          title="No devices yet"
          nextStep="Plug in a device or start the device lab (npm run lab)."
        />
      )}
      {isLoaded && unfilteredTotal > 0 && total === 0 && (
        <NoMatch filters={filters} onClear={() => setFilters(NO_DEVICE_FILTERS)} />
      )}
      {isLoaded && total > 0 && (
        <DeviceTable
          // A new query starts at the top of its own list.
          key={JSON.stringify(query)}
          rowCount={total}
          rowAt={rowAt}
          onRowsShown={showRows}
          highlightedIds={highlightedIds}
          onOpen={openDevice}
        />
      )}
    </View>
  );
}

function countLabel(shown: number, total: number, isFiltered: boolean): string {
  const noun = total === 1 ? 'device' : 'devices';
  return isFiltered ? `${shown} of ${total} ${noun}` : `${total} ${noun}`;
}

function NoMatch({ filters, onClear }: { filters: DeviceFilters; onClear: () => void }) {
  const isNarrowedBeyondSearch = filters.state !== 'any' || filters.seenOn !== 'any' || filters.model !== 'any';
  return (
    <EmptyState
      title={isNarrowedBeyondSearch ? 'No devices match these filters' : 'No devices match this search'}
      nextStep={
        isNarrowedBeyondSearch
          ? 'Check the search, state, model and transport, or clear the filters.'
          : 'Check the serial, hardware id or model, or clear the search.'
      }
    >
      <Button variant="default" onClick={onClear}>
        Show all devices
      </Button>
    </EmptyState>
  );
}
