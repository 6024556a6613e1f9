import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdminCommand } from '../src/admin/admin-commands';
import { decodeCertsOnly } from '../src/est/est-encoding';
import { OFFLINE_DEVICE_CA_PURPOSE } from '../src/est/offline-registration';
import { issueCertificate } from '../src/pki/issue-certificate';
import { generateKeyPair, x509 } from '../src/pki/x509';
import { httpsRequest, type ClientCredentials } from './helpers/https-client';
import { createCsr, enrollStation, errorOf, type StationClient } from './helpers/station-client';
import { startTestServer, type TestServer } from './helpers/test-server';

let server: TestServer;
let station: StationClient;
beforeAll(async () => {
  server = await startTestServer();
  station = await enrollStation(server, 'est-station');
});
afterAll(async () => {
  await server.close();
});

const hasTool = (tool: string) => spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0 || spawnSync(tool, ['version'], { stdio: 'ignore' }).status === 0;

/** A device's CSR as EST sends it: base64 DER with line breaks. */
async function deviceCsr(deviceId: string): Promise<{ body: string; keyPem: string }> {
  const { csrPem, keyPem } = await createCsr(deviceId);
  const der = Buffer.from(x509.PemConverter.decodeFirst(csrPem)).toString('base64');
  return { body: der.replace(/(.{64})/g, '$1\n'), keyPem };
}

function est(path: string, body?: string, client: ClientCredentials | 'anonymous' = station.credentials) {
  return httpsRequest(server.url, {
    method: body === undefined ? 'GET' : 'POST',
    path: `/.well-known/est/${path}`,
    caPem: server.caPem,
    ...(body === undefined ? {} : { rawBody: body, headers: { 'content-type': 'application/pkcs10' } }),
    ...(client === 'anonymous' ? {} : { client }),
  });
}

async function enrollDevice(deviceId: string): Promise<{ certificate: x509.X509Certificate; credentials: ClientCredentials }> {
  const csr = await deviceCsr(deviceId);
  const response = await est('simpleenroll', csr.body);
  expect(response.status).toBe(200);
  const [certificate] = decodeCertsOnly(response.text);
  return { certificate: certificate!, credentials: { certificatePem: certificate!.toString('pem'), keyPem: csr.keyPem } };
}

describe('EST (RFC 7030) for device certificates', () => {
  it('serves the device CA as certs-only PKCS#7 without authentication', async () => {
    const response = await est('cacerts', undefined, 'anonymous');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/pkcs7-mime; smime-type=certs-only');
    const [ca] = decodeCertsOnly(response.text);
    expect(ca?.subject).toBe(server.pki.deviceCa.certificate.subject);
    if (hasTool('openssl')) {
      const printed = execFileSync('openssl', ['pkcs7', '-inform', 'DER', '-print_certs', '-noout'], { input: Buffer.from(response.text, 'base64') }).toString();
      expect(printed).toContain('Fieldline Device Development CA');
    }
  });

  it('enrolls a device for a station, with proof of possession, and refuses callers without a station certificate', async () => {
    const { certificate } = await enrollDevice('dev-est-1');
    expect(certificate.subject).toBe('CN=dev-est-1');
    expect(await certificate.verify({ publicKey: server.pki.deviceCa.certificate.publicKey, signatureOnly: true })).toBe(true);
    const rows = await server.db.query<{ source: string; station_id: string }>('SELECT source, station_id FROM certificates WHERE device_id = $1', ['dev-est-1']);
    expect(rows).toEqual([{ source: 'est', station_id: 'est-station' }]);
    const csr = await deviceCsr('dev-est-2');
    const anonymous = await est('simpleenroll', csr.body, 'anonymous');
    expect(anonymous.status, anonymous.text).toBe(401);
    expect(errorOf(anonymous).code).toBe('STATION_CERTIFICATE_REJECTED');
    const tampered = Buffer.from(csr.body.replace(/\n/g, ''), 'base64');
    tampered[tampered.length - 3] = (tampered[tampered.length - 3] ?? 0) ^ 0x55;
    const tamperedResponse = await est('simpleenroll', tampered.toString('base64'));
    expect(tamperedResponse.status, tamperedResponse.text).toBe(400);
    expect(errorOf(tamperedResponse).code).toBe('CSR_INVALID');
    expect((await est('simpleenroll', '!!!not base64')).status).toBe(400);
  });

  it('renews with the certificate being renewed, or through a station, keeping the subject', async () => {
    const device = await enrollDevice('dev-renew');
    const renewed = await est('simplereenroll', (await deviceCsr('dev-renew')).body, device.credentials);
    expect(renewed.status).toBe(200);
    expect(decodeCertsOnly(renewed.text)[0]?.subject).toBe('CN=dev-renew');
    const renamed = await est('simplereenroll', (await deviceCsr('dev-other')).body, device.credentials);
    expect(errorOf(renamed).code).toBe('CSR_INVALID');
    expect((await est('simplereenroll', (await deviceCsr('dev-renew')).body)).status).toBe(200);
    expect(errorOf(await est('simplereenroll', (await deviceCsr('dev-never-enrolled')).body)).code).toBe('CERTIFICATE_INVALID');
  });

  it('revokes once, publishes the revocation in a signed CRL, and refuses to renew a revoked certificate', async () => {
    const device = await enrollDevice('dev-revoke');
    const serial = device.certificate.serialNumber;
    const first = await station.request('POST', `/certificates/${serial}/revoke`, { reason: 5 });
    expect(first.json).toMatchObject({ isNewRevocation: true, revocationReason: 5 });
    const again = await station.request('POST', `/certificates/${serial}/revoke`, { reason: 1 });
    expect(again.json).toMatchObject({ isNewRevocation: false, revocationReason: 5 });
    expect(errorOf(await station.request('POST', `/certificates/${station.credentials.certificatePem.length}/revoke`, {})).code).toBe('NOT_FOUND');
    const crlResponse = await httpsRequest(server.url, { method: 'GET', path: '/pki/device-ca.crl', caPem: server.caPem });
    expect(crlResponse.headers['content-type']).toBe('application/pkix-crl');
    const crl = new x509.X509Crl(crlResponse.bytes);
    expect(await crl.verify({ publicKey: server.pki.deviceCa.certificate.publicKey })).toBe(true);
    expect(crl.findRevoked(device.certificate)).not.toBeNull();
    const renewal = await est('simplereenroll', (await deviceCsr('dev-revoke')).body, device.credentials);
    expect(errorOf(renewal).code).toBe('CERTIFICATE_INVALID');
  });

  it('registers offline-issued certificates from a registered offline CA, all or nothing and idempotently', async () => {
    const keys = await generateKeyPair();
    const offlineCaCertificate = await issueCertificate({ profile: 'ca', subject: 'CN=Station est-station offline CA', publicKey: keys.publicKey, issuer: null, selfSignKeys: keys });
    const offlineCa = { name: 'device' as const, certificate: offlineCaCertificate, signingKey: keys.privateKey };
    const issueOffline = async (deviceId: string, issuer = offlineCa) =>
      (await issueCertificate({ profile: 'device', subject: `CN=${deviceId}`, publicKey: (await generateKeyPair()).publicKey, issuer })).toString('pem');
    const good = await issueOffline('dev-offline-1');
    const refused = await station.request('POST', '/certificates/offline', { certificates: [good] });
    expect(errorOf(refused)).toMatchObject({ code: 'CERTIFICATE_INVALID', details: { index: 0 } });
    await runAdminCommand({ db: server.db }, 'catalog-put', { kind: 'trust-anchor', name: 'est-station-offline', body: { pem: offlineCaCertificate.toString('pem'), purpose: OFFLINE_DEVICE_CA_PURPOSE } });
    const rogueKeys = await generateKeyPair();
    const rogue = { ...offlineCa, signingKey: rogueKeys.privateKey };
    const mixed = await station.request('POST', '/certificates/offline', { certificates: [good, await issueOffline('dev-offline-2', rogue)] });
    expect(errorOf(mixed)).toMatchObject({ code: 'CERTIFICATE_INVALID', details: { index: 1 } });
    expect(await server.db.query('SELECT 1 FROM certificates WHERE device_id = $1', ['dev-offline-1'])).toHaveLength(0);
    expect((await station.request('POST', '/certificates/offline', { certificates: [good] })).json).toMatchObject({ registered: 1, duplicates: 0 });
    expect((await station.request('POST', '/certificates/offline', { certificates: [good] })).json).toMatchObject({ registered: 0, duplicates: 1 });
    const metrics = (await httpsRequest(server.url, { method: 'GET', path: '/metrics', caPem: server.caPem })).text;
    expect(metrics).toContain('fleet_certificates_issued_total{kind="device",source="offline"} 1');
    expect(metrics).toMatch(/fleet_certificates_issued_total\{kind="device",source="est"\} \d+/);
    expect(metrics).toContain('fleet_certificates_revoked_total{kind="device"} 1');
  });

  it.skipIf(!hasTool('curl'))('interoperates with curl as an independent EST client', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'est-curl-'));
    try {
      const csr = await deviceCsr('dev-curl');
      await Promise.all([
        writeFile(join(dir, 'ca.pem'), server.caPem),
        writeFile(join(dir, 'station.pem'), station.credentials.certificatePem),
        writeFile(join(dir, 'station.key'), station.credentials.keyPem, { mode: 0o600 }),
        writeFile(join(dir, 'csr.b64'), csr.body),
      ]);
      // Asynchronously: the server runs in this process and must keep answering while curl waits.
      const { stdout: output } = await promisify(execFile)('curl', [
        '--silent', '--fail', '--cacert', join(dir, 'ca.pem'), '--cert', join(dir, 'station.pem'), '--key', join(dir, 'station.key'),
        '--header', 'Content-Type: application/pkcs10', '--data-binary', `@${join(dir, 'csr.b64')}`, `${server.url}/.well-known/est/simpleenroll`,
      ]);
      expect(decodeCertsOnly(output)[0]?.subject).toBe('CN=dev-curl');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps a device key out of the server: there is no serverkeygen', async () => {
    expect((await est('serverkeygen', (await deviceCsr('dev-x')).body)).status).toBe(404);
  });
});
