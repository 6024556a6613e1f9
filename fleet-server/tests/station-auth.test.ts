import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBootstrapToken } from '../src/enrollment/bootstrap-tokens';
import { revokeStationCertificates, recordCertificate } from '../src/pki/certificate-store';
import { issueCertificate } from '../src/pki/issue-certificate';
import { generateKeyPair, privateKeyToPem, x509 } from '../src/pki/x509';
import { EventChainBuilder } from './helpers/event-chain';
import { httpsRequest, type ClientCredentials } from './helpers/https-client';
import { createCsr, enrollStation, errorOf, StationClient } from './helpers/station-client';
import { startTestServer, type TestServer } from './helpers/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

function enroll(token: string, csr: string) {
  return httpsRequest(server.url, { method: 'POST', path: '/enroll/station', caPem: server.caPem, body: { token, csr } });
}

/** Signs a station certificate directly with a CA, bypassing enrollment (for hostile cases). */
async function forgeStationCertificate(
  stationId: string,
  issuer: Parameters<typeof issueCertificate>[0]['issuer'],
  validity: { notBefore?: Date; notAfter?: Date } = {},
): Promise<{ credentials: ClientCredentials; certificate: x509.X509Certificate }> {
  const keys = await generateKeyPair();
  const certificate = await issueCertificate({ profile: 'station', subject: `CN=${stationId}`, publicKey: keys.publicKey, issuer, ...validity });
  return { certificate, credentials: { certificatePem: certificate.toString('pem'), keyPem: await privateKeyToPem(keys.privateKey) } };
}

async function ingestStatus(credentials: ClientCredentials | undefined, stationId: string) {
  const chain = new EventChainBuilder(stationId);
  chain.appendMany(1);
  const response = await httpsRequest(server.url, {
    method: 'POST',
    path: '/ingest/batches',
    caPem: server.caPem,
    body: { stationId, events: chain.events },
    ...(credentials === undefined ? {} : { client: credentials }),
  });
  return { status: response.status, error: errorOf(response) };
}

describe('station enrollment', () => {
  it('issues a client certificate for the CSR and keeps only a hash of the one-time token', async () => {
    const { token } = await createBootstrapToken(server.db, { ttlMinutes: 5 });
    const { csrPem } = await createCsr('enroll-1');
    const response = await enroll(token, csrPem);
    expect(response.status).toBe(201);
    const body = response.json as { stationId: string; certificate: string; caCertificates: string[] };
    expect(body.stationId).toBe('enroll-1');
    const certificate = new x509.X509Certificate(body.certificate);
    expect(certificate.subject).toBe('CN=enroll-1');
    expect(await certificate.verify({ publicKey: server.pki.fleetCa.certificate.publicKey })).toBe(true);
    expect(body.caCertificates[0]).toBe(server.caPem);
    const stored = await server.db.query<{ token_hash: string }>('SELECT token_hash FROM bootstrap_tokens');
    expect(stored.some((row) => row.token_hash === token || row.token_hash.includes(token.slice(5)))).toBe(false);
    const reused = await enroll(token, (await createCsr('enroll-2')).csrPem);
    expect(reused.status).toBe(401);
    expect(errorOf(reused)).toMatchObject({ code: 'BOOTSTRAP_TOKEN_INVALID', details: { reason: 'already-used' } });
  });

  it('refuses unknown, expired and other-station tokens', async () => {
    const { csrPem } = await createCsr('enroll-3');
    expect(errorOf(await enroll('flbt_not-a-real-token', csrPem)).details).toMatchObject({ reason: 'unknown' });
    const expired = await createBootstrapToken(server.db, { ttlMinutes: 0 });
    expect(errorOf(await enroll(expired.token, csrPem)).details).toMatchObject({ reason: 'expired' });
    const pinned = await createBootstrapToken(server.db, { ttlMinutes: 5, stationId: 'someone-else' });
    expect(errorOf(await enroll(pinned.token, csrPem)).details).toMatchObject({ reason: 'other-station' });
  });

  it('refuses a CSR without proof of possession, garbage, and taking over an enrolled station id', async () => {
    const { token } = await createBootstrapToken(server.db, { ttlMinutes: 5 });
    const { csrPem } = await createCsr('enroll-4');
    const der = Buffer.from(x509.PemConverter.decodeFirst(csrPem));
    der[der.length - 5] = (der[der.length - 5] ?? 0) ^ 0xff;
    const tampered = await enroll(token, der.toString('base64'));
    expect(tampered.status).toBe(400);
    expect(errorOf(tampered).code).toBe('CSR_INVALID');
    expect(errorOf(await enroll(token, 'hello')).code).toBe('CSR_INVALID');
    // The failed attempts did not use the token up.
    expect((await enroll(token, csrPem)).status).toBe(201);
    const second = await createBootstrapToken(server.db, { ttlMinutes: 5 });
    const takeover = await enroll(second.token, (await createCsr('enroll-4')).csrPem);
    expect(takeover.status).toBe(409);
    expect(errorOf(takeover).code).toBe('ALREADY_EXISTS');
    const pinned = await createBootstrapToken(server.db, { ttlMinutes: 5, stationId: 'enroll-4' });
    expect((await enroll(pinned.token, (await createCsr('enroll-4')).csrPem)).status).toBe(201);
  });
});

describe('station authentication on ingest', () => {
  it('accepts an enrolled station', async () => {
    const station = await enrollStation(server, 'auth-ok');
    expect((await ingestStatus(station.credentials, 'auth-ok')).status).toBe(200);
  });

  it('refuses a request without a client certificate', async () => {
    expect(await ingestStatus(undefined, 'auth-ok')).toMatchObject({ status: 401, error: { code: 'STATION_CERTIFICATE_REJECTED', details: { reason: 'missing' } } });
  });

  it('refuses a certificate from a CA the server does not trust', async () => {
    const keys = await generateKeyPair();
    const rogueCa = await issueCertificate({ profile: 'ca', subject: 'CN=Rogue CA', publicKey: keys.publicKey, issuer: null, selfSignKeys: keys });
    const { credentials } = await forgeStationCertificate('auth-ok', { name: 'fleet', certificate: rogueCa, signingKey: keys.privateKey });
    expect(await ingestStatus(credentials, 'auth-ok')).toMatchObject({ status: 401, error: { details: { reason: 'untrusted' } } });
  });

  it('refuses an expired station certificate', async () => {
    await enrollStation(server, 'auth-expired');
    const day = 24 * 60 * 60 * 1000;
    const { certificate, credentials } = await forgeStationCertificate('auth-expired', server.pki.fleetCa, {
      notBefore: new Date(Date.now() - 10 * day),
      notAfter: new Date(Date.now() - day),
    });
    await recordCertificate(server.db, certificate, { kind: 'station', source: 'enrollment', stationId: 'auth-expired' });
    expect(await ingestStatus(credentials, 'auth-expired')).toMatchObject({ status: 401, error: { details: { reason: 'expired' } } });
  });

  it('refuses a revoked station certificate', async () => {
    const station = await enrollStation(server, 'auth-revoked');
    expect(await revokeStationCertificates(server.db, 'auth-revoked', 1)).toHaveLength(1);
    expect(await ingestStatus(station.credentials, 'auth-revoked')).toMatchObject({ status: 401, error: { details: { reason: 'revoked' } } });
  });

  it('refuses a certificate the server never issued to a station, and a device certificate', async () => {
    const { credentials } = await forgeStationCertificate('auth-unknown', server.pki.fleetCa);
    expect(await ingestStatus(credentials, 'auth-unknown')).toMatchObject({ status: 403, error: { code: 'STATION_UNKNOWN' } });
    const device = await forgeStationCertificate('auth-ok', server.pki.deviceCa);
    expect(await ingestStatus(device.credentials, 'auth-ok')).toMatchObject({ status: 401, error: { details: { reason: 'wrong-issuer' } } });
    const reader = new StationClient(server, 'auth-unknown', credentials);
    expect((await reader.request('GET', '/devices')).status).toBe(403);
  });
});
