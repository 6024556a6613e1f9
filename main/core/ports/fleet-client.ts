import type { LedgerEvent } from '../../../shared/contract';
import type { CatalogDocument } from '../../../shared/contract/catalog';

/** The fleet server's answer to a batch: it holds this station's events up to `acceptedThrough`. */
export interface FleetAck {
  acceptedThrough: number;
}

/**
 * The station's view of the fleet server (HTTPS with the station's client certificate in
 * main/adapters/fleet). Failures are AppErrors: `FLEET_UNREACHABLE` for network trouble, timeouts and
 * 5xx; `FLEET_BAD_RESPONSE` for answers that do not parse; the server's own codes (`SYNC_GAP` with
 * `details.resumeFrom`, `SYNC_FORK`, `STATION_UNKNOWN`, …) for refusals.
 */
export interface FleetClient {
  sendBatch(stationId: string, events: LedgerEvent[], signal: AbortSignal): Promise<FleetAck>;
  /** Revalidates the station's catalog copy (If-None-Match with `etag`). */
  fetchCatalog(etag: string | null, signal: AbortSignal): Promise<CatalogFetch>;
}

/** The answer to a catalog revalidation: unchanged, or the new document and its entity tag. */
export type CatalogFetch = { isModified: false } | { isModified: true; etag: string | null; catalog: CatalogDocument };

/** The catalog a station keeps so that it can work offline, with what the server said about it. */
export interface CachedCatalog {
  etag: string | null;
  /** When the server last confirmed or sent it. */
  checkedAt: string;
  catalog: CatalogDocument;
}

/** Where the station keeps its catalog copy (a file in the data folder; main/adapters/fleet). */
export interface CatalogCache {
  read(): CachedCatalog | null;
  write(cached: CachedCatalog): void;
}
