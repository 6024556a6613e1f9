import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Device, DeviceQuery } from '../../../shared/contract';
import { makeDevice } from '../../test/fixtures';
import { DevicePageCache, HIGHLIGHT_MS } from './device-page-cache';

function fleet(count: number): Device[] {
  return Array.from({ length: count }, (_, n) => makeDevice({ id: `d${n}`, serial: `SN-${n}`, state: n % 2 === 0 ? 'new' : 'failed' }));
}

/** Answers like the core: filters by state, then the page, with totals. */
function pagedFetcher(devices: () => Device[]) {
  const queries: DeviceQuery[] = [];
  const fetch = vi.fn((query: DeviceQuery) => {
    queries.push(query);
    const matching = devices().filter((device) => query.state === undefined || device.state === query.state);
    const offset = query.offset ?? 0;
    return Promise.resolve({
      devices: matching.slice(offset, offset + (query.limit ?? matching.length)),
      total: matching.length,
      unfilteredTotal: devices().length,
      models: ['nRF52840-DK'],
    });
  });
  return { fetch, queries };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => vi.useRealTimers());

describe('DevicePageCache', () => {
  it('fetches the first page for new filters, then only the pages of the rows shown', async () => {
    const { fetch, queries } = pagedFetcher(() => fleet(1_000));
    const cache = new DevicePageCache(fetch, 50);
    cache.setFilters({});
    await settle();
    expect(cache.getSnapshot()).toMatchObject({ total: 1_000, unfilteredTotal: 1_000, models: ['nRF52840-DK'], error: null });
    expect(cache.rowAt(0)?.id).toBe('d0');
    expect(cache.rowAt(60)).toBeUndefined();

    cache.showRows(480, 530);
    await settle();
    expect(queries.map((query) => query.offset)).toEqual([0, 450, 500]);
    expect(queries.every((query) => query.limit === 50)).toBe(true);
    expect(cache.rowAt(530)?.id).toBe('d530');
    cache.showRows(480, 530); // held already: no request
    expect(fetch).toHaveBeenCalledTimes(3);
  });

  it('starts over for new filters and drops answers to the old ones', async () => {
    let release: () => void = () => undefined;
    const { fetch: answer } = pagedFetcher(() => fleet(100));
    const fetch = vi.fn((query: DeviceQuery) =>
      query.state === undefined ? new Promise<Awaited<ReturnType<typeof answer>>>((resolve) => (release = () => resolve(answer(query)))) : answer(query),
    );
    const cache = new DevicePageCache(fetch, 50);
    cache.setFilters({});
    cache.setFilters({ state: 'failed' });
    await settle();
    release(); // the answer to the first filters arrives late
    await settle();
    expect(cache.getSnapshot().total).toBe(50);
    expect(cache.rowAt(0)?.id).toBe('d1');
    expect(fetch.mock.calls.map(([query]) => query)).toEqual([
      { offset: 0, limit: 50 },
      { state: 'failed', offset: 0, limit: 50 },
    ]);
  });

  it('refreshes only the pages in view and highlights announced devices that arrive there', async () => {
    vi.useFakeTimers();
    let devices = fleet(200);
    const { fetch, queries } = pagedFetcher(() => devices);
    const cache = new DevicePageCache(fetch, 50);
    cache.setFilters({});
    cache.showRows(0, 30);
    await vi.advanceTimersByTimeAsync(0);
    cache.showRows(100, 130);
    await vi.advanceTimersByTimeAsync(0);
    cache.showRows(0, 30);
    queries.length = 0;

    const arrival = makeDevice({ id: 'new-1', serial: 'SN-NEW' });
    devices = [arrival, ...devices];
    cache.noteChanged(['new-1']);
    cache.refresh();
    await vi.advanceTimersByTimeAsync(0);
    expect(queries.map((query) => query.offset)).toEqual([0]);
    expect(cache.rowAt(0)?.id).toBe('new-1');
    expect(cache.getSnapshot()).toMatchObject({ total: 201 });
    expect(cache.getSnapshot().highlightedIds).toEqual(new Set(['new-1']));
    expect(cache.rowAt(100)).toBeUndefined(); // out of view: forgotten, fetched again when scrolled to

    await vi.advanceTimersByTimeAsync(HIGHLIGHT_MS);
    expect(cache.getSnapshot().highlightedIds.size).toBe(0);
    cache.dispose();
  });

  it('reports a failed page as an error and clears it when a later page answers', async () => {
    const { fetch: answer } = pagedFetcher(() => fleet(10));
    let isFailing = true;
    const fetch = vi.fn((query: DeviceQuery) => (isFailing ? Promise.reject(new Error('socket closed')) : answer(query)));
    const cache = new DevicePageCache(fetch, 50);
    cache.setFilters({});
    await settle();
    expect(cache.getSnapshot().error?.message).toBe('socket closed');
    isFailing = false;
    cache.reload();
    await settle();
    expect(cache.getSnapshot()).toMatchObject({ error: null, total: 10 });
  });

  it('takes its window out of a whole list when the answer has no total (an unpaged core)', async () => {
    const cache = new DevicePageCache(() => Promise.resolve({ devices: fleet(120) }), 50);
    cache.setFilters({});
    cache.showRows(60, 110);
    await settle();
    expect(cache.getSnapshot()).toMatchObject({ total: 120, unfilteredTotal: 120 });
    expect(cache.rowAt(49)?.id).toBe('d49');
    expect(cache.rowAt(110)?.id).toBe('d110');
  });
});
