import { execFile, spawnSync } from 'node:child_process';
import { webcrypto } from 'node:crypto';
import { existsSync } from 'node:fs';
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as pkcs11js from 'pkcs11js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCertsOnly } from '../src/est/est-encoding';
import type { Pkcs11CaConfig } from '../src/pki/certificate-authority';
import { issueCertificate } from '../src/pki/issue-certificate';
import { openPkcs11SigningKey } from '../src/pki/pkcs11-signing-key';
import { KEY_ALGORITHM, x509 } from '../src/pki/x509';
import { httpsRequest } from './helpers/https-client';
import { createCsr, enrollStation, type StationClient } from './helpers/station-client';
import { startTestServer, type TestServer } from './helpers/test-server';

const run = promisify(execFile);

/** Debian's softhsm2 package: the token tool and the PKCS#11 module. */
const MODULE_CANDIDATES = ['/usr/lib/softhsm/libsofthsm2.so', '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so', '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so'];
const hasSoftHsmUtil = spawnSync('softhsm2-util', ['--version'], { stdio: 'ignore' }).status === 0;
const modulePath = MODULE_CANDIDATES.find((path) => existsSync(path));
const missing = !hasSoftHsmUtil
  ? 'softhsm2-util is not installed (apt-get install -y softhsm2)'
  : modulePath === undefined
    ? `softhsm2-util is installed but libsofthsm2.so is in none of ${MODULE_CANDIDATES.join(', ')}`
    : undefined;

const TOKEN = 'fleet-device-ca';
const PIN = '864213';
const SO_PIN = '97531975';
const P256 = Buffer.from('06082a8648ce3d030107', 'hex');

/**
 * Makes P-256 key pairs inside the token with pkcs11js directly (not the server's code), then finalizes
 * the module, so the server later initializes it alone. `extractable` makes a key a CA must refuse.
 */
function generateKeys(path: string, keys: { label: string; extractable: boolean }[]): void {
  const pkcs11 = new pkcs11js.PKCS11();
  pkcs11.load(path);
  pkcs11.C_Initialize();
  try {
    const slot = pkcs11.C_GetSlotList(true).find((candidate) => pkcs11.C_GetTokenInfo(candidate).label.trim() === TOKEN);
    if (slot === undefined) throw new Error(`no token ${TOKEN}`);
    const session = pkcs11.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    try {
      pkcs11.C_Login(session, pkcs11js.CKU_USER, PIN);
      for (const key of keys) {
        pkcs11.C_GenerateKeyPair(
          session,
          { mechanism: pkcs11js.CKM_EC_KEY_PAIR_GEN },
          [
            { type: pkcs11js.CKA_TOKEN, value: true },
            { type: pkcs11js.CKA_LABEL, value: key.label },
            { type: pkcs11js.CKA_EC_PARAMS, value: P256 },
            { type: pkcs11js.CKA_VERIFY, value: true },
          ],
          [
            { type: pkcs11js.CKA_TOKEN, value: true },
            { type: pkcs11js.CKA_LABEL, value: key.label },
            { type: pkcs11js.CKA_PRIVATE, value: true },
            { type: pkcs11js.CKA_SENSITIVE, value: !key.extractable },
            { type: pkcs11js.CKA_EXTRACTABLE, value: key.extractable },
            { type: pkcs11js.CKA_SIGN, value: true },
          ],
        );
      }
    } finally {
      pkcs11.C_CloseSession(session);
    }
  } finally {
    pkcs11.C_Finalize();
    pkcs11.close();
  }
}

describe.skipIf(missing !== undefined)(`EST with the device CA key in a PKCS#11 token (SoftHSM2)${missing === undefined ? '' : ` — skipped: ${missing}`}`, () => {
  let folder: string;
  let caConfig: Pkcs11CaConfig;
  let caPem: string;
  let server: TestServer;
  let station: StationClient;
  /** Servers that must not start get a data folder inside `folder`, removed with it. */
  let attempts = 0;
  const refusedStart = (deviceCaPkcs11: Pkcs11CaConfig) => startTestServer({ dataDir: join(folder, `refused-${(attempts += 1)}`), deviceCaPkcs11 });
  /** What starting with a wrong PIN gave while nothing else had the token open (a real C_Login). */
  let wrongPinStart: unknown;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'fleet-pkcs11-'));
    // The token store is this test's own: SOFTHSM2_CONF is read when the module initializes.
    await mkdir(join(folder, 'tokens'));
    await writeFile(join(folder, 'softhsm2.conf'), `directories.tokendir = ${join(folder, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`);
    process.env['SOFTHSM2_CONF'] = join(folder, 'softhsm2.conf');
    await run('softhsm2-util', ['--init-token', '--free', '--label', TOKEN, '--pin', PIN, '--so-pin', SO_PIN]);
    generateKeys(modulePath!, [
      { label: 'device-ca', extractable: false },
      { label: 'exportable', extractable: true },
    ]);

    // The CA certificate, self-signed through the token.
    const key = await openPkcs11SigningKey({ modulePath: modulePath!, tokenLabel: TOKEN, keyLabel: 'device-ca', pin: PIN });
    try {
      const publicKey = await webcrypto.subtle.importKey('spki', key.publicKeySpki, KEY_ALGORITHM, true, ['verify']);
      const certificate = await issueCertificate({
        profile: 'ca',
        subject: 'CN=Fieldline Device CA (token)',
        publicKey,
        issuer: null,
        selfSignKeys: { publicKey, privateKey: key.signingKey },
        selfSignCrypto: key.signingCrypto,
      });
      caPem = certificate.toString('pem');
    } finally {
      await key.close();
    }
    caConfig = { modulePath: modulePath!, tokenLabel: TOKEN, keyLabel: 'device-ca', pin: PIN, certificatePath: join(folder, 'device-ca.crt') };
    await writeFile(caConfig.certificatePath, caPem);

    wrongPinStart = await refusedStart({ ...caConfig, pin: '000000' }).then(
      (started) => started.close(),
      (error: unknown) => error,
    );
    server = await startTestServer({ deviceCaPkcs11: caConfig });
    station = await enrollStation(server, 'pkcs11-station');
  });

  afterAll(async () => {
    await server?.close();
    if (folder !== undefined) await rm(folder, { recursive: true, force: true });
  });

  it('issues device certificates that openssl verifies against the token CA, with no CA key file on disk', async () => {
    expect(server.pki.deviceCa.certificate.toString('pem')).toBe(caPem);
    await expect(access(join(server.dataDir, 'pki', 'device-ca.key'))).rejects.toThrow();

    const cacerts = await httpsRequest(server.url, { method: 'GET', path: '/.well-known/est/cacerts', caPem: server.caPem });
    expect(decodeCertsOnly(cacerts.text)[0]?.subject).toBe('CN=Fieldline Device CA (token)');

    const { csrPem } = await createCsr('dev-token-1');
    const body = Buffer.from(x509.PemConverter.decodeFirst(csrPem)).toString('base64');
    const response = await httpsRequest(server.url, {
      method: 'POST',
      path: '/.well-known/est/simpleenroll',
      caPem: server.caPem,
      rawBody: body,
      headers: { 'content-type': 'application/pkcs10' },
      client: station.credentials,
    });
    expect(response.status, response.text).toBe(200);
    const [device] = decodeCertsOnly(response.text);
    expect(device?.subject).toBe('CN=dev-token-1');
    const devicePath = join(folder, 'dev-token-1.crt');
    await writeFile(devicePath, device!.toString('pem'));
    const verified = await run('openssl', ['verify', '-x509_strict', '-purpose', 'sslclient', '-CAfile', caConfig.certificatePath, devicePath]);
    expect(verified.stdout).toContain(`${devicePath}: OK`);

    // The CRL is signed through the token too.
    const crl = await httpsRequest(server.url, { method: 'GET', path: '/pki/device-ca.crl', caPem: server.caPem });
    expect(await new x509.X509Crl(crl.bytes).verify({ publicKey: server.pki.deviceCa.certificate.publicKey })).toBe(true);
  });

  it('refuses to start with a wrong PIN, a key that can leave the token, or a certificate of another key', async () => {
    expect(wrongPinStart).toMatchObject({ code: 'PKCS11_PIN_INCORRECT', message: `the token "${TOKEN}" refused the PIN` });
    // With the token open in this process, another PIN is refused without asking the token.
    await expect(refusedStart({ ...caConfig, pin: '000000' })).rejects.toMatchObject({ code: 'PKCS11_PIN_INCORRECT' });
    await expect(refusedStart({ ...caConfig, keyLabel: 'exportable' })).rejects.toMatchObject({
      code: 'PKCS11_UNAVAILABLE',
      message: expect.stringMatching(/never leave the token/) as unknown,
    });
    await expect(refusedStart({ ...caConfig, keyLabel: 'absent' })).rejects.toMatchObject({ code: 'PKCS11_UNAVAILABLE' });
    await expect(refusedStart({ ...caConfig, tokenLabel: 'other' })).rejects.toMatchObject({
      code: 'PKCS11_UNAVAILABLE',
      message: expect.stringContaining(`"${TOKEN}"`) as unknown,
    });
    const otherCa = join(folder, 'other-ca.crt');
    await writeFile(otherCa, server.caPem);
    await expect(refusedStart({ ...caConfig, certificatePath: otherCa })).rejects.toMatchObject({
      code: 'PKCS11_UNAVAILABLE',
      message: expect.stringMatching(/is not for the key/) as unknown,
    });
  });
});
