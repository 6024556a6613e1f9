import { Button, Group, NativeSelect, TextInput } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { useRef } from 'react';
import { LIFECYCLE_STATES, TRANSPORTS, type LifecycleState } from '../../../shared/contract';
import { LIFECYCLE_LABELS, TRANSPORT_LABELS } from './device-labels';
import { hasDeviceFilters, NO_DEVICE_FILTERS, type DeviceFilters, type SeenOnFilter } from './filter-devices';

const STATE_OPTIONS = [
  { value: 'any', label: 'Any state' },
  ...LIFECYCLE_STATES.map((state) => ({ value: state, label: LIFECYCLE_LABELS[state] })),
];

const SEEN_ON_OPTIONS = [
  { value: 'any', label: 'Any transport' },
  ...TRANSPORTS.map((transport) => ({ value: transport, label: TRANSPORT_LABELS[transport] })),
  { value: 'not-connected', label: 'Not connected' },
];

interface DeviceFilterBarProps {
  filters: DeviceFilters;
  /** Every model the station knows (from the core's answer), for the model filter. */
  models: readonly string[];
  onChange: (filters: DeviceFilters) => void;
}

/**
 * Search, lifecycle state, model and transport. Native selects: they open with the keyboard, are large enough
 * for a gloved finger, and need no popup to be read by a screen reader.
 */
export function DeviceFilterBar({ filters, models, onChange }: DeviceFilterBarProps) {
  // A chosen model stays in the list even while the answer listing it is on its way.
  const modelOptions = [
    { value: 'any', label: 'Any model' },
    ...[...new Set([...models, ...(filters.model === 'any' ? [] : [filters.model])])].map((model) => ({ value: model, label: model })),
  ];
  const searchRef = useRef<HTMLInputElement>(null);
  useHotkeys([['/', () => searchRef.current?.focus()]]);
  return (
    <Group mb="sm" align="flex-end" gap="sm">
      <TextInput
        ref={searchRef}
        label="Search devices"
        placeholder="Serial, hardware id or model — press /"
        value={filters.query}
        onChange={(event) => onChange({ ...filters, query: event.currentTarget.value })}
        w={340}
      />
      <NativeSelect
        label="State"
        data={STATE_OPTIONS}
        value={filters.state}
        onChange={(event) =>
          onChange({ ...filters, state: event.currentTarget.value as LifecycleState | 'any' })
        }
        w={160}
      />
      <NativeSelect
        label="Model"
        data={modelOptions}
        value={filters.model}
        onChange={(event) => onChange({ ...filters, model: event.currentTarget.value })}
        w={180}
      />
      <NativeSelect
        label="Seen on"
        data={SEEN_ON_OPTIONS}
        value={filters.seenOn}
        onChange={(event) => onChange({ ...filters, seenOn: event.currentTarget.value as SeenOnFilter })}
        w={160}
      />
      {hasDeviceFilters(filters) && (
        <Button variant="subtle" onClick={() => onChange(NO_DEVICE_FILTERS)}>
          Clear filters
        </Button>
      )}
    </Group>
  );
}
