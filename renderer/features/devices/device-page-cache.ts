import type { CommandOutput, Device, DeviceQuery } from '../../../shared/contract';
import { toAppError, type AppError } from '../../../shared/errors';

/** Rows per request: two of them cover a tall window with its overscan. */
export const DEVICE_PAGE_SIZE = 50;
/** How long a device that arrived in view keeps its highlight (the CSS fade is a little shorter). */
export const HIGHLIGHT_MS = 3_000;

type ListAnswer = CommandOutput<'devices:list'>;
export type DevicePageFetcher = (query: DeviceQuery) => Promise<ListAnswer>;

/** Query filters without the window: what a set of cached pages belongs to. */
export type DeviceFilterQuery = Omit<DeviceQuery, 'offset' | 'limit'>;

export interface DevicePageSnapshot {
  /** Matching devices; null until the first page answered. */
  total: number | null;
  unfilteredTotal: number | null;
  models: readonly string[];
  error: AppError | null;
  highlightedIds: ReadonlySet<string>;
}

const EMPTY: DevicePageSnapshot = { total: null, unfilteredTotal: null, models: [], error: null, highlightedIds: new Set() };

/**
 * The window of the device list the table shows, fetched page by page from the core: 100,000 devices
 * never cross the bridge at once, and the DOM only ever holds what the virtualizer renders. Framework-free,
 * so paging, staleness and highlighting are tested without React; `useDevicePages` wraps it.
 */
export class DevicePageCache {
  readonly #fetch: DevicePageFetcher;
  readonly #pageSize: number;
  readonly #listeners = new Set<() => void>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #filters: DeviceFilterQuery = {};
  #pages = new Map<number, readonly Device[]>();
  #inFlight = new Set<number>();
  /** Bumped on every new query or refresh: answers to older requests are dropped. */
  #generation = 0;
  #visible = { firstPage: 0, lastPage: 0 };
  /** Devices announced as changed since the last refresh; those newly in view get a highlight. */
  #announced = new Set<string>();
  #snapshot: DevicePageSnapshot = EMPTY;

  constructor(fetch: DevicePageFetcher, pageSize = DEVICE_PAGE_SIZE) {
    this.#fetch = fetch;
    this.#pageSize = pageSize;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): DevicePageSnapshot => this.#snapshot;

  /** The device at a row of the filtered list, or undefined while its page is on its way. */
  rowAt(index: number): Device | undefined {
    return this.#pages.get(Math.floor(index / this.#pageSize))?.[index % this.#pageSize];
  }

  /** New filters: forget every page and start again from the top. */
  setFilters(filters: DeviceFilterQuery): void {
    this.#filters = filters;
    this.#generation += 1;
    this.#pages = new Map();
    this.#inFlight = new Set();
    this.#visible = { firstPage: 0, lastPage: 0 };
    this.#update({ total: null });
    void this.#load(0);
  }

  /** The rows the table renders (with its overscan) changed: fetch the pages not held yet. */
  showRows(firstIndex: number, lastIndex: number): void {
    const firstPage = Math.max(0, Math.floor(firstIndex / this.#pageSize));
    const lastPage = Math.max(firstPage, Math.floor(lastIndex / this.#pageSize));
    this.#visible = { firstPage, lastPage };
    for (let page = firstPage; page <= lastPage; page += 1) void this.#load(page);
  }

  /** Devices changed in the core: note them; the caller debounces and then calls `refresh`. */
  noteChanged(deviceIds: readonly string[]): void {
    for (const id of deviceIds) this.#announced.add(id);
  }

  /**
   * Fetches the pages in view again and forgets the others (they are fetched when scrolled to), so a
   * burst of changes costs one request per visible page rather than the whole list.
   */
  refresh(): void {
    const before = new Set(this.#visibleIds());
    const announced = this.#announced;
    this.#announced = new Set();
    this.#generation += 1;
    this.#inFlight = new Set();
    const kept = new Map<number, readonly Device[]>();
    for (let page = this.#visible.firstPage; page <= this.#visible.lastPage; page += 1) {
      const rows = this.#pages.get(page);
      if (rows !== undefined) kept.set(page, rows); // shown until its fresh copy arrives
    }
    this.#pages = kept;
    const generation = this.#generation;
    const requests: Promise<void>[] = [];
    for (let page = this.#visible.firstPage; page <= this.#visible.lastPage; page += 1) requests.push(this.#load(page, true));
    void Promise.all(requests).then(() => {
      if (generation !== this.#generation) return;
      const arrived = this.#visibleIds().filter((id) => announced.has(id) && !before.has(id));
      if (arrived.length > 0) this.#highlight(arrived);
    });
  }

  /** Everything again from the current filters (after a reconnect or an error). */
  reload(): void {
    this.setFilters(this.#filters);
  }

  dispose(): void {
    this.#generation += 1;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  #load(page: number, isRefresh = false): Promise<void> {
    if (this.#inFlight.has(page) || (!isRefresh && this.#pages.has(page))) return Promise.resolve();
    // Past the end of the list as last counted; a refresh asks anyway, since the list may have grown.
    const total = this.#snapshot.total;
    if (!isRefresh && total !== null && page > 0 && page * this.#pageSize >= total) return Promise.resolve();
    this.#inFlight.add(page);
    const generation = this.#generation;
    const offset = page * this.#pageSize;
    return this.#fetch({ ...this.#filters, offset, limit: this.#pageSize }).then(
      (answer) => {
        if (generation !== this.#generation) return;
        this.#inFlight.delete(page);
        // An answer without a total is a whole list (an older core or a test fake): take our window of it.
        const isWhole = answer.total === undefined;
        this.#pages.set(page, isWhole ? answer.devices.slice(offset, offset + this.#pageSize) : answer.devices);
        this.#update({
          total: answer.total ?? answer.devices.length,
          unfilteredTotal: answer.unfilteredTotal ?? answer.total ?? answer.devices.length,
          models: answer.models ?? this.#snapshot.models,
          error: null,
        });
      },
      (failure: unknown) => {
        if (generation !== this.#generation) return;
        this.#inFlight.delete(page);
        this.#update({ error: toAppError(failure) });
      },
    );
  }

  #visibleIds(): string[] {
    const ids: string[] = [];
    for (let page = this.#visible.firstPage; page <= this.#visible.lastPage; page += 1) {
      for (const device of this.#pages.get(page) ?? []) ids.push(device.id);
    }
    return ids;
  }

  #highlight(ids: readonly string[]): void {
    this.#update({ highlightedIds: new Set([...this.#snapshot.highlightedIds, ...ids]) });
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      const highlightedIds = new Set(this.#snapshot.highlightedIds);
      for (const id of ids) highlightedIds.delete(id);
      this.#update({ highlightedIds });
    }, HIGHLIGHT_MS);
    this.#timers.add(timer);
  }

  #update(change: Partial<DevicePageSnapshot>): void {
    this.#snapshot = { ...this.#snapshot, ...change };
    for (const listener of [...this.#listeners]) listener();
  }
}
