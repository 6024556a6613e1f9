import type { LedgerEvent } from '../../../shared/contract';

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
}
