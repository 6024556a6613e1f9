import { createBootstrapToken } from '../../src/enrollment/bootstrap-tokens';
import { generateKeyPair, privateKeyToPem, SIGNING_ALGORITHM, x509, type CryptoKeyPair } from '../../src/pki/x509';
import { httpsRequest, type ClientCredentials, type HttpsResponse } from './https-client';
import type { TestServer } from './test-server';

/** A key pair and a CSR whose CN is `commonName`, made the way a station makes them. */
export async function createCsr(commonName: string, keys?: CryptoKeyPair): Promise<{ csrPem: string; keyPem: string; keys: CryptoKeyPair }> {
  const pair = keys ?? (await generateKeyPair());
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: `CN=${commonName}`, keys: pair, signingAlgorithm: SIGNING_ALGORITHM });
  return { csrPem: csr.toString('pem'), keyPem: await privateKeyToPem(pair.privateKey), keys: pair };
}

/** An enrolled station talking to a test server over mutual TLS. */
export class StationClient {
  constructor(
    readonly server: TestServer,
    readonly stationId: string,
    readonly credentials: ClientCredentials,
  ) {}

  request(method: string, path: string, body?: unknown): Promise<HttpsResponse> {
    return httpsRequest(this.server.url, {
      method,
      path,
      caPem: this.server.caPem,
      client: this.credentials,
      ...(body === undefined ? {} : { body }),
    });
  }

  sendBatch(events: unknown[], stationId = this.stationId): Promise<HttpsResponse> {
    return this.request('POST', '/ingest/batches', { stationId, events });
  }
}

/** Creates a bootstrap token the way the CLI does and enrolls a station over HTTPS. */
export async function enrollStation(server: TestServer, stationId: string): Promise<StationClient> {
  const { token } = await createBootstrapToken(server.db, { ttlMinutes: 10 });
  const { csrPem, keyPem } = await createCsr(stationId);
  const response = await httpsRequest(server.url, {
    method: 'POST',
    path: '/enroll/station',
    caPem: server.caPem,
    body: { token, csr: csrPem },
  });
  if (response.status !== 201) throw new Error(`enrollment failed: ${response.status} ${response.text}`);
  const { certificate } = response.json as { certificate: string };
  return new StationClient(server, stationId, { certificatePem: certificate, keyPem });
}

/** The `error` object of a JSON error response. */
export function errorOf(response: HttpsResponse): { code: string; message: string; details?: Record<string, unknown> } {
  return (response.json as { error: { code: string; message: string; details?: Record<string, unknown> } }).error;
}
