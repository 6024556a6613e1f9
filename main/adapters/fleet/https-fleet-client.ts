import { z } from 'zod';
import type { LedgerEvent } from '../../../shared/contract';
import { AppError, describeZodError } from '../../../shared/errors';
import { catalogDocumentSchema } from '../../../shared/contract/catalog';
import type { CatalogFetch, FleetAck, FleetClient } from '../../core/ports/fleet-client';
import type { OfflineCertificateRegistrar } from '../../core/sync/offline-certificate-sync';
import type { CertificateRevoker } from '../../core/sync/certificate-revocation-sync';
import { revokeDeviceCertificate } from './certificate-revocation-request';
import { getJsonIfChanged, postJson, type TlsIdentity } from './https-json';
import { registerOfflineCertificates, type OfflineRegistration } from './offline-certificate-registration';

const ackSchema = z.object({ acceptedThrough: z.number().int().nonnegative() });

/** The fleet server's station routes (ingest, catalog) over HTTPS with the station's client certificate. */
export class HttpsFleetClient implements FleetClient, OfflineCertificateRegistrar, CertificateRevoker {
  readonly #serverUrl: string;
  readonly #tlsSource: TlsIdentity | (() => Promise<TlsIdentity>);
  #tls: Promise<TlsIdentity> | null = null;
  readonly #timeoutMs: number;

  /** `tls` may be a function: the station's key is sealed at rest and opened on first use only. */
  constructor(serverUrl: string, tls: TlsIdentity | (() => Promise<TlsIdentity>), timeoutMs = 30_000) {
    this.#serverUrl = serverUrl;
    this.#tlsSource = tls;
    this.#timeoutMs = timeoutMs;
  }

  #identity(): Promise<TlsIdentity> {
    const source = this.#tlsSource;
    this.#tls ??= (typeof source === 'function' ? source() : Promise.resolve(source)).catch((error: unknown) => {
      this.#tls = null;
      throw error;
    });
    return this.#tls;
  }

  async registerOfflineCertificates(certificatePems: readonly string[], signal: AbortSignal): Promise<OfflineRegistration> {
    return registerOfflineCertificates({ serverUrl: this.#serverUrl, tls: await this.#identity() }, certificatePems, signal);
  }

  async revokeDeviceCertificate(serial: string, reasonCode: number, signal: AbortSignal): Promise<{ isNewRevocation: boolean; revokedAt: string | null }> {
    return revokeDeviceCertificate({ serverUrl: this.#serverUrl, tls: await this.#identity() }, serial, reasonCode, signal);
  }

  async sendBatch(stationId: string, events: LedgerEvent[], signal: AbortSignal): Promise<FleetAck> {
    const answer = await postJson(new URL('/ingest/batches', this.#serverUrl), { stationId, events }, await this.#identity(), { timeoutMs: this.#timeoutMs, signal });
    const ack = ackSchema.safeParse(answer);
    if (!ack.success) throw new AppError('FLEET_BAD_RESPONSE', `the ingest acknowledgement does not parse: ${describeZodError(ack.error)}`);
    return ack.data;
  }

  async fetchCatalog(etag: string | null, signal: AbortSignal): Promise<CatalogFetch> {
    const answer = await getJsonIfChanged(new URL('/catalog', this.#serverUrl), etag, await this.#identity(), { timeoutMs: this.#timeoutMs, signal });
    if (!answer.isModified) return answer;
    const catalog = catalogDocumentSchema.safeParse(answer.body);
    if (!catalog.success) throw new AppError('FLEET_BAD_RESPONSE', `the catalog does not parse: ${describeZodError(catalog.error)}`);
    return { isModified: true, etag: answer.etag, catalog: catalog.data };
  }
}
