import { toAppError, type AppError } from '../../../shared/errors';
import type { Clock } from '../ports/clock';
import type { CatalogCache, FleetClient } from '../ports/fleet-client';
import type { LedgerStore } from '../ports/ledger-store';
import type { Logger } from '../ports/logger';
import { refreshCatalog } from './catalog-refresh';
import { syncOutbox } from './ledger-sync';
import { pendingRevocations, sendPendingRevocations, type RevocationSyncPorts } from './certificate-revocation-sync';
import { pendingOfflineCertificates, registerPendingOfflineCertificates, type OfflineCertificateSyncPorts } from './offline-certificate-sync';
import type { SyncStatusTracker } from './sync-status-tracker';

export interface SyncSchedulerOptions {
  store: LedgerStore;
  /** The current fleet client, or null while no fleet server is configured. */
  client: () => FleetClient | null;
  tracker: SyncStatusTracker;
  logger: Logger;
  clock: Clock;
  /** First retry delay; doubles per failure up to `maxDelayMs` (full jitter). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How often to look again when nothing woke the sender. */
  idleIntervalMs?: number;
  /** Injected for tests; Math.random otherwise. */
  random?: () => number;
  /** Where the catalog copy is kept; when given, every pass also revalidates the catalog. */
  catalogCache?: CatalogCache | undefined;
  /** When given, every pass also registers offline-issued device certificates at the server. */
  offlineCertificates?: OfflineCertificateSyncPorts | undefined;
  /** When given, every pass also sends the certificate revocations retirement queued. */
  revocations?: RevocationSyncPorts | undefined;
}

/**
 * Runs the outbox sender (and the catalog revalidation) in the background: immediately when woken (a new event), otherwise every
 * `idleIntervalMs`; after a failure it backs off exponentially with full jitter so that a fleet of
 * stations coming back online does not hammer the server in step.
 */
export class SyncScheduler {
  readonly #options: Required<Omit<SyncSchedulerOptions, 'catalogCache' | 'offlineCertificates' | 'revocations'>> &
    Pick<SyncSchedulerOptions, 'catalogCache' | 'offlineCertificates' | 'revocations'>;
  readonly #stop = new AbortController();
  #wake: (() => void) | null = null;
  #failures = 0;
  #loop: Promise<void> | null = null;
  #inFlight: Promise<void> | null = null;

  constructor(options: SyncSchedulerOptions) {
    this.#options = { baseDelayMs: 1_000, maxDelayMs: 60_000, idleIntervalMs: 30_000, random: Math.random, ...options };
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** New events are waiting; send now unless backing off after a failure. */
  wake(): void {
    if (this.#failures === 0) this.#wake?.();
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
    await this.#inFlight;
  }

  /**
   * One pass now, whatever the backoff says (a person pressed "Sync now", or `fieldline sync`). Joins a
   * pass already in flight instead of starting a second one. Failures are reported through the tracker.
   */
  syncNow(): Promise<void> {
    this.#inFlight ??= this.#pass().finally(() => {
      this.#inFlight = null;
    });
    return this.#inFlight;
  }

  async #run(): Promise<void> {
    while (!this.#stop.signal.aborted) {
      await this.syncNow();
      await this.#sleep(this.#failures === 0 ? this.#options.idleIntervalMs : this.#backoffMs());
    }
  }

  async #pass(): Promise<void> {
    const { store, tracker, logger, clock, catalogCache, offlineCertificates, revocations } = this.#options;
    const client = this.#options.client();
    const hasOutbox = store.pendingOutboxCount() > 0;
    const hasOffline = offlineCertificates !== undefined && pendingOfflineCertificates(offlineCertificates.store).length > 0;
    const hasRevocations = revocations !== undefined && pendingRevocations(revocations.store).length > 0;
    if (client === null || (!hasOutbox && !hasOffline && !hasRevocations && catalogCache === undefined) || this.#stop.signal.aborted) return;
    tracker.started();
    try {
      // First, so that its `certificate.offline-registered` record goes out in this same pass; a refusal
      // (the station's offline CA not registered at the server yet) is kept and reported after the
      // records and the catalog went through, so it never holds them up.
      let offlineFailure: AppError | null = null;
      if (hasOffline) {
        try {
          const registration = await registerPendingOfflineCertificates(client, offlineCertificates, this.#stop.signal);
          if (registration !== null) logger.info({ registered: registration.registered, duplicates: registration.duplicates }, 'offline certificates registered');
        } catch (error: unknown) {
          if (this.#stop.signal.aborted) throw error;
          offlineFailure = toAppError(error);
        }
      }
      // After the offline registration (a certificate issued offline must be known before it can be
      // revoked) and before the outbox, so that the `certificate.revoked` records go out in this pass.
      if (hasRevocations) logger.info({ ...(await sendPendingRevocations(client, revocations, this.#stop.signal)) }, 'certificate revocations sent');
      if (hasOutbox || store.pendingOutboxCount() > 0) {
        const result = await syncOutbox(store, client, this.#stop.signal);
        logger.info({ acknowledged: result.acknowledged }, 'outbox synced');
      }
      if (catalogCache !== undefined) {
        const catalog = await refreshCatalog(client, catalogCache, clock, this.#stop.signal);
        if (catalog === 'updated') logger.info({}, 'catalog updated');
      }
      if (offlineFailure !== null) throw offlineFailure;
      this.#failures = 0;
      tracker.succeeded(new Date(clock.nowMs()));
    } catch (error: unknown) {
      if (this.#stop.signal.aborted) return;
      this.#failures += 1;
      const appError = toAppError(error);
      tracker.failed(appError);
      logger.warn({ code: appError.code, message: appError.message, failures: this.#failures }, 'sync failed; will retry');
    }
  }

  #backoffMs(): number {
    const { baseDelayMs, maxDelayMs, random } = this.#options;
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(this.#failures - 1, 30));
    return Math.round(random() * ceiling);
  }

  #sleep(ms: number): Promise<void> {
    const stop = this.#stop.signal;
    return new Promise((resolve) => {
      if (stop.aborted) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        stop.removeEventListener('abort', done);
        this.#wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      stop.addEventListener('abort', done, { once: true });
      this.#wake = done;
    });
  }
}
