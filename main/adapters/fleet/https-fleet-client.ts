import { z } from 'zod';
import type { LedgerEvent } from '../../../shared/contract';
import { AppError, describeZodError } from '../../../shared/errors';
import { catalogDocumentSchema } from '../../../shared/contract/catalog';
import type { CatalogFetch, FleetAck, FleetClient } from '../../core/ports/fleet-client';
import { getJsonIfChanged, postJson, type TlsIdentity } from './https-json';

const ackSchema = z.object({ acceptedThrough: z.number().int().nonnegative() });

/** The fleet server's station routes (ingest, catalog) over HTTPS with the station's client certificate. */
export class HttpsFleetClient implements FleetClient {
  readonly #serverUrl: string;
  readonly #tls: TlsIdentity;
  readonly #timeoutMs: number;

  constructor(serverUrl: string, tls: TlsIdentity, timeoutMs = 30_000) {
    this.#serverUrl = serverUrl;
    this.#tls = tls;
    this.#timeoutMs = timeoutMs;
  }

  async sendBatch(stationId: string, events: LedgerEvent[], signal: AbortSignal): Promise<FleetAck> {
    const answer = await postJson(new URL('/ingest/batches', this.#serverUrl), { stationId, events }, this.#tls, { timeoutMs: this.#timeoutMs, signal });
    const ack = ackSchema.safeParse(answer);
    if (!ack.success) throw new AppError('FLEET_BAD_RESPONSE', `the ingest acknowledgement does not parse: ${describeZodError(ack.error)}`);
    return ack.data;
  }

  async fetchCatalog(etag: string | null, signal: AbortSignal): Promise<CatalogFetch> {
    const answer = await getJsonIfChanged(new URL('/catalog', this.#serverUrl), etag, this.#tls, { timeoutMs: this.#timeoutMs, signal });
    if (!answer.isModified) return answer;
    const catalog = catalogDocumentSchema.safeParse(answer.body);
    if (!catalog.success) throw new AppError('FLEET_BAD_RESPONSE', `the catalog does not parse: ${describeZodError(catalog.error)}`);
    return { isModified: true, etag: answer.etag, catalog: catalog.data };
  }
}
