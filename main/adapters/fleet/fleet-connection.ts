import type { FleetClient } from '../../core/ports/fleet-client';
import type { FleetConnection, StationEnrollmentRequest } from '../../core/ports/fleet-connection';
import { HttpsFleetClient } from './https-fleet-client';
import { StationCredentialsFile, type StationCredentials } from './station-credentials';
import { enrollStationAtFleet } from './station-enrollment';

/** The station's fleet link backed by the credentials file in the data folder. */
export class FileBackedFleetConnection implements FleetConnection {
  readonly #file: StationCredentialsFile;
  readonly #stationId: string;
  #credentials: StationCredentials | null;
  #client: FleetClient | null = null;

  constructor(dataDir: string, stationId: string) {
    this.#file = new StationCredentialsFile(dataDir);
    this.#stationId = stationId;
    this.#credentials = this.#file.read();
  }

  serverUrl(): string | null {
    return this.#credentials?.serverUrl ?? null;
  }

  client(): FleetClient | null {
    const credentials = this.#credentials;
    if (credentials === null) return null;
    this.#client ??= new HttpsFleetClient(credentials.serverUrl, {
      caPem: credentials.caPem,
      certificatePem: credentials.certificatePem,
      keyPem: credentials.keyPem,
    });
    return this.#client;
  }

  async enroll(request: StationEnrollmentRequest, signal: AbortSignal): Promise<void> {
    const credentials = await enrollStationAtFleet(this.#stationId, request, signal);
    this.#file.write(credentials);
    this.#credentials = credentials;
    this.#client = null;
  }
}
