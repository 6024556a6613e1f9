import { AppError } from '../../../shared/errors';
import type { FleetClient } from '../../core/ports/fleet-client';
import type { FleetConnection, StationEnrollmentRequest } from '../../core/ports/fleet-connection';
import type { KeyVault } from '../../core/ports/key-vault';
import { openLocalKeyVault } from '../key-vault/local-key-vault-setup';
import type { TlsIdentity } from './https-json';
import { HttpsFleetClient } from './https-fleet-client';
import { StationCredentialsFile, type StationCredentialsPublic } from './station-credentials';
import { enrollStationAtFleet } from './station-enrollment';

/**
 * The station's fleet link backed by the credentials file in the data folder. The station's TLS key
 * is sealed there by `vault` (default: the local vault of plain Node, main/adapters/key-vault; the
 * desktop app passes its OS-keystore vault) and opened when a request first needs it.
 */
export class FileBackedFleetConnection implements FleetConnection {
  readonly #file: StationCredentialsFile;
  readonly #stationId: string;
  readonly #vault: KeyVault;
  #credentials: StationCredentialsPublic | null;
  #client: FleetClient | null = null;

  constructor(dataDir: string, stationId: string, vault: KeyVault = openLocalKeyVault({ dataDir })) {
    this.#file = new StationCredentialsFile(dataDir, vault);
    this.#stationId = stationId;
    this.#vault = vault;
    this.#credentials = this.#file.readPublic();
  }

  serverUrl(): string | null {
    return this.#credentials?.serverUrl ?? null;
  }

  client(): FleetClient | null {
    const credentials = this.#credentials;
    if (credentials === null) return null;
    this.#client ??= new HttpsFleetClient(credentials.serverUrl, () => this.tlsIdentity());
    return this.#client;
  }

  /** The station's mutual-TLS identity (key opened from the vault), e.g. for EST against the fleet server. */
  async tlsIdentity(): Promise<TlsIdentity & { certificatePem: string; keyPem: string }> {
    const opened = await this.#file.open();
    if (opened === null) throw new AppError('STATION_UNKNOWN', 'this station is not enrolled at a fleet server; run fieldline sync enroll first');
    return { caPem: opened.caPem, certificatePem: opened.certificatePem, keyPem: opened.keyPem };
  }

  async enroll(request: StationEnrollmentRequest, signal: AbortSignal): Promise<void> {
    // Before the one-time token is spent: a station that could not seal its key must not enroll.
    await this.#vault.seal(new Uint8Array(1));
    const credentials = await enrollStationAtFleet(this.#stationId, request, signal);
    await this.#file.write(credentials);
    this.#credentials = this.#file.readPublic();
    this.#client = null;
  }
}
