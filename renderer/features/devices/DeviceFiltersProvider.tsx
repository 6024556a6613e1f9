import { useState, type ReactNode } from 'react';
import { DeviceFiltersContext } from './device-filters-context';
import { NO_DEVICE_FILTERS } from './filter-devices';

/** Keeps the Devices view's search and filters while the person looks at other views. */
export function DeviceFiltersProvider({ children }: { children: ReactNode }) {
  const state = useState(NO_DEVICE_FILTERS);
  return <DeviceFiltersContext value={state}>{children}</DeviceFiltersContext>;
}
