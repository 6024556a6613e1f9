import { use, useState } from 'react';
import { DeviceFiltersContext, type DeviceFiltersState } from './device-filters-context';
import { NO_DEVICE_FILTERS } from './filter-devices';

/** The shared filters under a DeviceFiltersProvider; the view's own otherwise (e.g. rendered alone in a test). */
export function useDeviceFilters(): DeviceFiltersState {
  const shared = use(DeviceFiltersContext);
  const own = useState(NO_DEVICE_FILTERS);
  return shared ?? own;
}
