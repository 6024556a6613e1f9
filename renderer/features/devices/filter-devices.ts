import type { LifecycleState, SEEN_ON_FILTERS } from '../../../shared/contract';
import type { DeviceFilterQuery } from './device-page-cache';

/** `not-connected`: devices known only from the ledger, seen on no transport right now. */
export type SeenOnFilter = (typeof SEEN_ON_FILTERS)[number] | 'any';

export interface DeviceFilters {
  /** Free text matched against serial, hardware id and model. */
  query: string;
  state: LifecycleState | 'any';
  /** An exact model name, as the core lists them, or `any`. */
  model: string;
  seenOn: SeenOnFilter;
}

export const NO_DEVICE_FILTERS: DeviceFilters = { query: '', state: 'any', model: 'any', seenOn: 'any' };

export function hasDeviceFilters(filters: DeviceFilters): boolean {
  return filters.query.trim() !== '' || filters.state !== 'any' || filters.model !== 'any' || filters.seenOn !== 'any';
}

/**
 * The filters as the core's `devices:list` query: the core filters its in-memory index (100,000
 * devices in well under 200 ms, quality.md) and answers one page at a time.
 */
export function toDeviceFilterQuery(filters: DeviceFilters): DeviceFilterQuery {
  const search = filters.query.trim();
  return {
    ...(search !== '' && { search }),
    ...(filters.state !== 'any' && { state: filters.state }),
    ...(filters.model !== 'any' && { model: filters.model }),
    ...(filters.seenOn !== 'any' && { seenOn: filters.seenOn }),
  };
}
