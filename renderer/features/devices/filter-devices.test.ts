import { describe, expect, it } from 'vitest';
import { hasDeviceFilters, NO_DEVICE_FILTERS, toDeviceFilterQuery } from './filter-devices';

describe('toDeviceFilterQuery', () => {
  it('asks for everything when nothing is filtered', () => {
    expect(toDeviceFilterQuery(NO_DEVICE_FILTERS)).toEqual({});
    expect(hasDeviceFilters(NO_DEVICE_FILTERS)).toBe(false);
  });

  it('passes each chosen filter and the trimmed search, and leaves out blank search', () => {
    const filters = { query: '  SN-42 ', state: 'failed', model: 'gateway', seenOn: 'not-connected' } as const;
    expect(toDeviceFilterQuery(filters)).toEqual({ search: 'SN-42', state: 'failed', model: 'gateway', seenOn: 'not-connected' });
    expect(toDeviceFilterQuery({ ...NO_DEVICE_FILTERS, query: '   ' })).toEqual({});
    expect(hasDeviceFilters({ ...NO_DEVICE_FILTERS, model: 'gateway' })).toBe(true);
  });
});
