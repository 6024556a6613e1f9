import type { FleetClient } from './fleet-client';

export interface StationEnrollmentRequest {
  /** https://host:port of the fleet server. */
  serverUrl: string;
  /** One-time bootstrap token from the fleet server's administrator. */
  token: string;
  /** PEM of the CA that signed the fleet server's TLS certificate (first contact has nothing to trust yet). */
  caPem: string;
}

/**
 * The station's link to its fleet server (main/adapters/fleet): the enrolled identity and a client that
 * authenticates with it. Null client while the station is not enrolled.
 */
export interface FleetConnection {
  serverUrl(): string | null;
  client(): FleetClient | null;
  /** Generates the station key, has the CSR signed with the token, stores the identity. */
  enroll(request: StationEnrollmentRequest, signal: AbortSignal): Promise<void>;
}
