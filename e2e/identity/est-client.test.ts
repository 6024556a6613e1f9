import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../fleet-server/tests/helpers/test-server';
import { EstClient } from '../../main/adapters/est/est-client';
import { sha256Hex } from '../../main/core/identity/der-bytes';
import {
  decodeCertsOnlyBase64,
  parseCertsOnly,
  toBase64Lines,
} from '../../main/core/identity/pkcs7-certs-only';
import { toPem } from '../../main/core/identity/certificate-facts';
import { x509 } from '../../main/core/identity/x509';
import { AppError } from '../../shared/errors';
import { generateP256, makeCsr } from '../../main/core/identity/test-support/identity-fixtures';
import { enrollTestStation, opensslVerify, tool, type EnrolledStation } from './identity-fixture';

let server: TestServer;
let folder: string;
let station: EnrolledStation;
let client: EstClient;
let deviceCaDer: Uint8Array;

beforeAll(async () => {
  server = await startTestServer();
  folder = await mkdtemp(join(tmpdir(), 'fieldline-est-'));
  station = await enrollTestStation(server, folder, 'station-est');
  client = new EstClient({
    serverUrl: server.url,
    tls: { caPem: station.caPem, certificatePem: station.certificatePem, keyPem: station.keyPem },
  });
  deviceCaDer = new Uint8Array(server.pki.deviceCa.certificate.rawData);
});
afterAll(async () => {
  await server?.close();
  await rm(folder, { recursive: true, force: true });
});

/** curl as an independent EST client with the same station certificate; returns status, content type and body. */
async function curl(
  operation: string,
  options: { csrBase64?: string; withClientCertificate?: boolean } = {},
) {
  const args = [
    '-sS',
    '--tlsv1.2',
    '--cacert',
    station.files.ca,
    '-o',
    '-',
    '-w',
    '\n%{http_code} %{content_type}',
  ];
  if (options.withClientCertificate !== false)
    args.push('--cert', station.files.certificate, '--key', station.files.key);
  if (options.csrBase64 !== undefined) {
    const body = join(folder, `csr-${Math.random().toString(36).slice(2)}.b64`);
    await writeFile(body, options.csrBase64);
    args.push(
      '-H',
      'Content-Type: application/pkcs10',
      '-H',
      'Content-Transfer-Encoding: base64',
      '--data-binary',
      `@${body}`,
    );
  }
  args.push(`${server.url}/.well-known/est/${operation}`);
  const output = (await tool('curl', args)).toString('latin1');
  const cut = output.lastIndexOf('\n');
  const [status, ...type] = output.slice(cut + 1).split(' ');
  return { status: Number(status), contentType: type.join(' '), body: output.slice(0, cut) };
}

/** An independent CSR and key from openssl: the key stays in a file openssl owns. */
async function opensslCsr(commonName: string): Promise<{ der: Uint8Array; publicKeyPem: string }> {
  const keyFile = join(folder, `${commonName}.key`);
  await tool('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', keyFile]);
  const der = await tool('openssl', [
    'req',
    '-new',
    '-key',
    keyFile,
    '-subj',
    `/CN=${commonName}`,
    '-outform',
    'DER',
  ]);
  const publicKeyPem = (await tool('openssl', ['pkey', '-in', keyFile, '-pubout'])).toString();
  return { der: new Uint8Array(der), publicKeyPem };
}

describe('EST client against the fleet server, with curl as an independent client (RFC 7030)', () => {
  it('cacerts: Fieldline and curl get the device CA, and openssl reads curl’s PKCS#7', async () => {
    const ours = await client.cacerts();
    expect(ours.map(sha256Hex)).toEqual([sha256Hex(deviceCaDer)]);
    const answer = await curl('cacerts', { withClientCertificate: false });
    expect(answer.status).toBe(200);
    expect(answer.contentType).toMatch(/^application\/pkcs7-mime/);
    const theirs = parseCertsOnly(decodeCertsOnlyBase64(answer.body));
    expect(theirs.map(sha256Hex)).toEqual(ours.map(sha256Hex));
    const printed = (
      await tool('openssl', ['pkcs7', '-inform', 'DER', '-print_certs'], {
        input: Buffer.from(answer.body.replace(/\s+/g, ''), 'base64'),
      })
    ).toString();
    expect(printed).toContain('subject=CN = Fieldline Device Development CA');
  });

  it('simpleenroll: both get a certificate for their own CSR key, signed by the device CA, that openssl verifies', async () => {
    const keys = await generateP256();
    const ours = await client.simpleEnroll(await makeCsr('CN=EST-OURS-1', keys));
    expect(ours).toHaveLength(1);
    const ourLeaf = new x509.X509Certificate(ours[0]!);
    expect(sha256Hex(ourLeaf.publicKey.rawData)).toBe(
      sha256Hex(await crypto.subtle.exportKey('spki', keys.publicKey)),
    );
    expect(await opensslVerify(folder, [ours[0]!, deviceCaDer], { purpose: 'sslclient' })).toMatch(/: OK$/);

    const csr = await opensslCsr('EST-CURL-1');
    const answer = await curl('simpleenroll', { csrBase64: toBase64Lines(csr.der) });
    expect(answer.status).toBe(200);
    const [theirs] = parseCertsOnly(decodeCertsOnlyBase64(answer.body));
    const theirLeaf = new x509.X509Certificate(theirs!);
    const theirKeyPem = (
      await tool('openssl', ['x509', '-inform', 'DER', '-noout', '-pubkey'], { input: Buffer.from(theirs!) })
    ).toString();
    expect(theirKeyPem).toBe(csr.publicKeyPem);
    expect(await opensslVerify(folder, [theirs!, deviceCaDer], { purpose: 'sslclient' })).toMatch(/: OK$/);
    // The same answer apart from what must differ: issuer, extensions, validity length.
    expect(theirLeaf.issuer).toBe(ourLeaf.issuer);
    expect(theirLeaf.extensions.map((e) => e.type)).toEqual(ourLeaf.extensions.map((e) => e.type));
    expect(theirLeaf.notAfter.getTime() - theirLeaf.notBefore.getTime()).toBe(
      ourLeaf.notAfter.getTime() - ourLeaf.notBefore.getTime(),
    );
  });

  it('simplereenroll: both renew a subject the server certified, keeping the subject', async () => {
    await client.simpleEnroll(await makeCsr('CN=EST-RENEW-1', await generateP256()));
    const renewed = await client.simpleReenroll(await makeCsr('CN=EST-RENEW-1', await generateP256()));
    expect(new x509.X509Certificate(renewed[0]!).subject).toBe('CN=EST-RENEW-1');
    const csr = await opensslCsr('EST-RENEW-1');
    const answer = await curl('simplereenroll', { csrBase64: Buffer.from(csr.der).toString('base64') });
    expect(answer.status).toBe(200);
    expect(new x509.X509Certificate(parseCertsOnly(decodeCertsOnlyBase64(answer.body))[0]!).subject).toBe(
      'CN=EST-RENEW-1',
    );
  });

  it('refusals: both are refused for the same reason; Fieldline keeps the server’s code', async () => {
    const anonymous = new EstClient({ serverUrl: server.url, tls: { caPem: station.caPem } });
    const csrDer = await makeCsr('CN=EST-ANON-1', await generateP256());
    const error = await anonymous.simpleEnroll(csrDer).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    const viaCurl = await curl('simpleenroll', {
      csrBase64: toBase64Lines(csrDer),
      withClientCertificate: false,
    });
    expect(viaCurl.status).toBeGreaterThanOrEqual(400);
    expect((error as AppError).code).toBe(
      (JSON.parse(viaCurl.body) as { error: { code: string } }).error.code,
    );
    expect((error as AppError).details).toMatchObject({ status: viaCurl.status, operation: 'simpleenroll' });

    const renewal = await client
      .simpleReenroll(await makeCsr('CN=NEVER-ENROLLED', await generateP256()))
      .catch((caught: unknown) => caught);
    const renewalViaCurl = await curl('simplereenroll', {
      csrBase64: toBase64Lines(await makeCsr('CN=NEVER-ENROLLED', await generateP256())),
    });
    expect((renewal as AppError).code).toBe(
      (JSON.parse(renewalViaCurl.body) as { error: { code: string } }).error.code,
    );
  });

  it('refuses a server whose certificate does not chain to the pinned CA', async () => {
    const wrongPin = new EstClient({ serverUrl: server.url, tls: { caPem: toPem(deviceCaDer) } });
    await expect(wrongPin.cacerts()).rejects.toMatchObject({ code: 'EST_UNREACHABLE' });
  });
});
