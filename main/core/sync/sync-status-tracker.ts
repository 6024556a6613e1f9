import type { SyncStatus } from '../../../shared/contract';
import { presentError, type AppError } from '../../../shared/errors';
import type { LedgerStore } from '../ports/ledger-store';

type Phase = 'idle' | 'syncing' | 'offline' | 'error';

/**
 * What the sync indicator shows. Offline is normal, not an error (ux.md): a server that cannot be
 * reached is `offline`; only a refusal that needs a person (a forked chain, a revoked station) is
 * `error`. The pending count is always the real number of outbox rows.
 */
export class SyncStatusTracker {
  readonly #store: LedgerStore;
  readonly #listeners = new Set<(status: SyncStatus) => void>();
  #serverUrl: string | null = null;
  #phase: Phase = 'idle';
  #lastSuccessAt: string | null = null;
  #lastError: string | null = null;

  constructor(store: LedgerStore) {
    this.#store = store;
  }

  status(): SyncStatus {
    return {
      state: this.#serverUrl === null ? 'not-configured' : this.#phase,
      pendingCount: this.#store.pendingOutboxCount(),
      lastSuccessAt: this.#lastSuccessAt,
      lastError: this.#lastError,
      serverUrl: this.#serverUrl,
    };
  }

  configured(serverUrl: string | null): void {
    this.#serverUrl = serverUrl;
    this.#update('idle');
  }

  started(): void {
    this.#update('syncing');
  }

  succeeded(at: Date): void {
    this.#lastSuccessAt = at.toISOString();
    this.#lastError = null;
    this.#update('idle');
  }

  failed(error: AppError): void {
    this.#lastError = `${presentError(error.code).title}: ${error.message}`;
    this.#update(error.code === 'FLEET_UNREACHABLE' ? 'offline' : 'error');
  }

  onChange(listener: (status: SyncStatus) => void): { dispose(): void } {
    this.#listeners.add(listener);
    return { dispose: () => this.#listeners.delete(listener) };
  }

  #update(phase: Phase): void {
    this.#phase = phase;
    const status = this.status();
    for (const listener of [...this.#listeners]) listener(status);
  }
}
