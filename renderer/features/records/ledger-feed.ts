import type { Bridge, CommandInput } from '../../../shared/contract';
import { toAppError, type AppError } from '../../../shared/errors';
import { appendOlderPage, EMPTY_PAGE, mergeNewestPage, type LedgerPage } from './ledger-page';

export interface LedgerFilters {
  type: string;
  deviceId: string;
  /** Text anywhere in an event: a serial, a hash, an error code. */
  text?: string;
}

export interface LedgerFeedState {
  page: LedgerPage;
  hasLoaded: boolean;
  isLoadingOlder: boolean;
  error: AppError | null;
}

/**
 * The Records view's data for one set of filters: the newest page, refreshed whenever the ledger
 * grows, and older pages on request. Refreshes are coalesced: a burst of `ledger:changed` events
 * while one request is out costs one more request, not one per event.
 */
export class LedgerFeed {
  #state: LedgerFeedState = { page: EMPTY_PAGE, hasLoaded: false, isLoadingOlder: false, error: null };
  readonly #listeners = new Set<() => void>();
  readonly #bridge: Bridge;
  readonly #input: CommandInput<'ledger:list-events'>;
  #isRefreshing = false;
  #isRefreshQueued = false;

  constructor(bridge: Bridge, filters: LedgerFilters, pageSize: number) {
    this.#bridge = bridge;
    this.#input = { limit: pageSize, ...ledgerQueryOf(filters) };
  }

  readonly getState = (): LedgerFeedState => this.#state;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  refresh(): void {
    if (this.#isRefreshing) {
      this.#isRefreshQueued = true;
      return;
    }
    this.#isRefreshing = true;
    this.#bridge
      .invoke('ledger:list-events', this.#input)
      .then(
        (newest) =>
          this.#update({ page: mergeNewestPage(this.#state.page, newest), hasLoaded: true, error: null }),
        (error: unknown) => this.#update({ hasLoaded: true, error: toAppError(error) }),
      )
      .finally(() => {
        this.#isRefreshing = false;
        if (!this.#isRefreshQueued) return;
        this.#isRefreshQueued = false;
        this.refresh();
      });
  }

  loadOlder(): void {
    const before = this.#state.page.nextBefore;
    if (before === null || this.#state.isLoadingOlder) return;
    this.#update({ isLoadingOlder: true });
    this.#bridge.invoke('ledger:list-events', { ...this.#input, before }).then(
      (older) =>
        this.#update({ page: appendOlderPage(this.#state.page, older), isLoadingOlder: false, error: null }),
      (error: unknown) => this.#update({ isLoadingOlder: false, error: toAppError(error) }),
    );
  }

  #update(change: Partial<LedgerFeedState>): void {
    this.#state = { ...this.#state, ...change };
    for (const listener of [...this.#listeners]) listener();
  }
}

/** The filters as `ledger:list-events` takes them: blank ones left out. */
export function ledgerQueryOf(filters: LedgerFilters): Omit<CommandInput<'ledger:list-events'>, 'limit'> {
  const type = filters.type.trim();
  const deviceId = filters.deviceId.trim();
  const text = filters.text?.trim() ?? '';
  return { ...(type && { type }), ...(deviceId && { deviceId }), ...(text && { text }) };
}
