// @peculiar/x509 resolves its ASN.1 helpers through tsyringe, which needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { z } from 'zod';
import { AppError, describeZodError } from '../../../shared/errors';
import type { StationEnrollmentRequest } from '../../core/ports/fleet-connection';
import { postJson } from './https-json';
import type { StationCredentials } from './station-credentials';

// @peculiar/x509 signs through WebCrypto; Node's implementation is the provider.
x509.cryptoProvider.set(globalThis.crypto);

const enrollmentSchema = z.object({
  stationId: z.string(),
  certificate: z.string().includes('BEGIN CERTIFICATE'),
  caCertificates: z.array(z.string().includes('BEGIN CERTIFICATE')).min(1),
});

const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/**
 * Enrolls this station at a fleet server: a fresh P-256 key pair is generated here and never leaves the
 * station; the CSR (CN = station id) goes to `/enroll/station` with the one-time token; the answer is
 * the station certificate and the fleet CA that future connections trust.
 */
export async function enrollStationAtFleet(
  stationId: string,
  request: StationEnrollmentRequest,
  signal: AbortSignal,
): Promise<StationCredentials> {
  const serverUrl = checkServerUrl(request.serverUrl);
  const keys = await globalThis.crypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: `CN=${stationId}`, keys, signingAlgorithm: KEY_ALGORITHM });
  const answer = await postJson(new URL('/enroll/station', serverUrl), { token: request.token, csr: csr.toString('pem') }, { caPem: request.caPem }, {
    timeoutMs: 30_000,
    signal,
  });
  const enrollment = enrollmentSchema.safeParse(answer);
  if (!enrollment.success) throw new AppError('FLEET_BAD_RESPONSE', `the enrollment answer does not parse: ${describeZodError(enrollment.error)}`);
  if (enrollment.data.stationId !== stationId) {
    throw new AppError('FLEET_BAD_RESPONSE', `the server enrolled station ${enrollment.data.stationId}, not ${stationId}`);
  }
  const pkcs8 = await globalThis.crypto.subtle.exportKey('pkcs8', keys.privateKey);
  return {
    serverUrl,
    stationId,
    certificatePem: enrollment.data.certificate,
    keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY'),
    caPem: enrollment.data.caCertificates.join('\n'),
  };
}

function checkServerUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new AppError('INVALID_INPUT', `"${text}" is not a URL; expected https://host:port`);
  }
  if (url.protocol !== 'https:') throw new AppError('INVALID_INPUT', `the fleet server URL must use https, not ${url.protocol}`);
  return url.origin;
}
