import type { SyncStatus } from '../../../shared/contract';
import type { LedgerStore } from '../ports/ledger-store';

/**
 * What the sync indicator shows. Until a fleet server is configured (issue 6) the state is
 * `not-configured` and the pending count is the real number of outbox rows waiting.
 */
export class SyncStatusTracker {
  readonly #store: LedgerStore;
  #serverUrl: string | null = null;
  #lastSuccessAt: string | null = null;
  #lastError: string | null = null;

  constructor(store: LedgerStore) {
    this.#store = store;
  }

  status(): SyncStatus {
    return {
      state: this.#serverUrl === null ? 'not-configured' : this.#lastError === null ? 'idle' : 'offline',
      pendingCount: this.#store.pendingOutboxCount(),
      lastSuccessAt: this.#lastSuccessAt,
      lastError: this.#lastError,
      serverUrl: this.#serverUrl,
    };
  }
}
