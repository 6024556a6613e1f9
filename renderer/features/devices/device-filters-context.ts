import { createContext, type Dispatch, type SetStateAction } from 'react';
import type { DeviceFilters } from './filter-devices';

export type DeviceFiltersState = readonly [DeviceFilters, Dispatch<SetStateAction<DeviceFilters>>];

/** Filters held above the views (DeviceFiltersProvider), so they survive a visit to a device's detail. */
export const DeviceFiltersContext = createContext<DeviceFiltersState | null>(null);
