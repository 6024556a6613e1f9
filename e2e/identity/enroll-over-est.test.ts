import { createPrivateKey } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../fleet-server/tests/helpers/test-server';
import { EstCertificateIssuer } from '../../main/adapters/est/est-certificate-issuer';
import { readInstalledCertificate, zeroizeDevice } from '../../main/core/drivers/smp/identity-commands';
import { parseCertificateProfile } from '../../main/core/identity/certificate-profile';
import type { DeviceIdentity } from '../../main/core/identity/device-identity';
import { enrollDeviceCertificate } from '../../main/core/identity/enroll-device-certificate';
import { IdentityEvent, type CertificateEnrolledPayload } from '../../main/core/identity/identity-ledger';
import { generateP256, makeCsr } from '../../main/core/identity/test-support/identity-fixtures';
import { AppError } from '../../shared/errors';
import { HostileEstServer, type HostileMode } from './hostile-est-server';
import {
  enrollTestStation,
  opensslVerify,
  opensslVerifyCsr,
  startIdentityBench,
  tool,
  type EnrolledStation,
  type IdentityBench,
} from './identity-fixture';

/** The fleet server issues `CN=<device id>` only, so the profile asks for the serial as the CN. */
const profile = parseCertificateProfile({ subject: { commonName: '{serial}' } });

let server: TestServer;
let station: EnrolledStation;
let hostile: HostileEstServer;
let bench: IdentityBench;
let csrs: Uint8Array[];

beforeAll(async () => {
  server = await startTestServer();
  hostile = await HostileEstServer.start();
});
afterAll(async () => {
  await hostile?.close();
  await server?.close();
});
beforeEach(async () => {
  bench = await startIdentityBench();
  station ??= await enrollTestStation(server, bench.folder, 'station-identity');
  csrs = [];
});
afterEach(async () => {
  expect(bench.lab.device.faults).toEqual([]);
  await bench.close();
});

/** The lab device, recording every CSR it answers (for openssl) and optionally swapping it. */
function recordingDevice(swap?: (csr: Uint8Array) => Promise<Uint8Array>): DeviceIdentity {
  return {
    ...bench.device,
    generateKeyAndCsr: async (request, signal) => {
      const csr = await bench.device.generateKeyAndCsr(request, signal);
      const answered = swap ? await swap(csr) : csr;
      csrs.push(answered);
      return answered;
    },
  };
}

function fleetIssuer(): EstCertificateIssuer {
  return new EstCertificateIssuer({
    serverUrl: server.url,
    tls: { caPem: station.caPem, certificatePem: station.certificatePem, keyPem: station.keyPem },
  });
}

const enroll = (issuer: EstCertificateIssuer, device: DeviceIdentity = recordingDevice()) =>
  enrollDeviceCertificate({
    device,
    issuer,
    profile,
    ledger: bench.ledger,
    deviceId: bench.deviceId,
    expectedHardwareId: '00c0ffee00000001',
  });

const enrolledEvents = () => bench.ledger.listEvents({ limit: 50, type: IdentityEvent.enrolled });
async function deviceCertificateCount(): Promise<number> {
  const rows = await server.db.query<{ n: unknown }>(
    `SELECT count(*) AS n FROM certificates WHERE kind = 'device'`,
  );
  return Number(rows[0]?.n);
}

async function installedChain(): Promise<Uint8Array[] | null> {
  return bench.device.readInstalledChain();
}

describe('enrolling a lab SMP device over EST with the fleet server (UDP, group 64)', () => {
  it('enrolls: openssl verifies the device’s CSR and the installed chain; the ledger holds the fingerprint; the key stays on the device', async () => {
    const result = await enroll(fleetIssuer());
    expect(result.mode).toBe('initial');
    expect(csrs).toHaveLength(1);
    const verdict = await opensslVerifyCsr(csrs[0]!);
    expect(verdict).toMatch(/self-signature verify OK/);
    expect(verdict).toMatch(/subject=CN = LAB-ID-0001/);

    const installed = await readInstalledCertificate(bench.client);
    expect(installed.chain).toHaveLength(2);
    expect(await opensslVerify(bench.folder, installed.chain, { purpose: 'sslclient' })).toMatch(/: OK$/);
    const fingerprint = (
      await tool('openssl', ['x509', '-inform', 'DER', '-noout', '-fingerprint', '-sha256'], {
        input: Buffer.from(installed.certificate),
      })
    )
      .toString()
      .split('=')[1]!
      .trim()
      .replace(/:/g, '')
      .toLowerCase();
    const [event] = enrolledEvents();
    const payload = event!.payload as CertificateEnrolledPayload;
    expect(payload).toMatchObject({
      fingerprintSha256: fingerprint,
      mode: 'initial',
      source: 'est',
      serial: 'LAB-ID-0001',
      previous: null,
    });
    expect(payload.chain).toEqual(installed.chain.map((der) => Buffer.from(der).toString('base64')));
    expect(bench.store.listDevices().find((device) => device.id === bench.deviceId)?.state).toBe('enrolled');

    // The device's private scalar exists only in its credential store: not in the station's ledger, WAL or folder.
    const keyPem = await readFile(join(bench.lab.stateDir, 'credentials', 'device-key.pem'), 'utf8');
    const scalar = Buffer.from(createPrivateKey(keyPem).export({ format: 'jwk' }).d!, 'base64url');
    const forms = [
      scalar,
      Buffer.from(scalar.toString('hex')),
      Buffer.from(scalar.toString('base64').slice(0, 40)),
    ];
    const stationFiles = (await readdir(bench.folder)).filter((name) => name !== 'device');
    expect(stationFiles).toEqual(expect.arrayContaining(['ledger.db']));
    for (const name of stationFiles) {
      const bytes = await readFile(join(bench.folder, name)).catch(() => Buffer.alloc(0));
      for (const form of forms) expect(bytes.includes(form), name).toBe(false);
    }
  });

  it('renews an enrolled device with simplereenroll, links the old certificate, and re-enrolls a re-flashed device keeping its record', async () => {
    const first = await enroll(fleetIssuer());
    const renewed = await enroll(fleetIssuer());
    expect(renewed.mode).toBe('renewal');
    expect(renewed.certificate.publicKeySha256).not.toBe(first.certificate.publicKeySha256);
    expect((enrolledEvents()[0]!.payload as CertificateEnrolledPayload).previous).toEqual({
      certificateSerial: first.certificate.certificateSerial,
      fingerprintSha256: first.certificate.fingerprintSha256,
    });
    const serverRows = await server.db.query<{ serial: string }>(
      `SELECT serial FROM certificates WHERE kind = 'device' AND device_id = 'LAB-ID-0001'`,
    );
    expect(serverRows.map((row) => row.serial)).toEqual(
      expect.arrayContaining([first.certificate.certificateSerial, renewed.certificate.certificateSerial]),
    );

    // A re-flash that erased the device's credentials: same hardware id, same ledger device, new certificate linked to the last.
    await zeroizeDevice(bench.client);
    expect(await installedChain()).toBeNull();
    const again = await enroll(fleetIssuer());
    expect(again.mode).toBe('re-enrollment');
    expect((enrolledEvents()[0]!.payload as CertificateEnrolledPayload).previous).toEqual({
      certificateSerial: renewed.certificate.certificateSerial,
      fingerprintSha256: renewed.certificate.fingerprintSha256,
    });
    expect(enrolledEvents().map((event) => event.deviceId)).toEqual([
      bench.deviceId,
      bench.deviceId,
      bench.deviceId,
    ]);
    expect(await opensslVerify(bench.folder, (await installedChain())!)).toMatch(/: OK$/);
  });

  it('refuses a CSR the device signed with another key before anything is issued or recorded', async () => {
    const before = await deviceCertificateCount();
    const swapped = recordingDevice(async (csr) => {
      const other = await generateP256();
      const keys = await generateP256();
      void csr;
      return makeCsr('CN=LAB-ID-0001', keys, { signWith: other });
    });
    const error = await enroll(fleetIssuer(), swapped).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'CSR_INVALID', details: { step: 'check-csr' } });
    expect(await opensslVerifyCsr(csrs[0]!)).toMatch(/self-signature verify failure/);
    expect(await deviceCertificateCount()).toBe(before);
    expect(enrolledEvents()).toEqual([]);
    expect(await installedChain()).toBeNull();
  });

  it('refuses a well-formed CSR for a key the device does not hold: the device refuses the chain, nothing is recorded', async () => {
    const swapped = recordingDevice(async () => makeCsr('CN=LAB-ID-0001', await generateP256()));
    const error = await enroll(fleetIssuer(), swapped).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'DEVICE_REJECTED',
      details: { step: 'install', name: expect.stringMatching(/KEY_MISMATCH/) as unknown },
    });
    expect(enrolledEvents()).toEqual([]);
    expect(await installedChain()).toBeNull();
  });
});

describe('enrolling against a hostile EST server', () => {
  const cases: [HostileMode, string, RegExp][] = [
    ['garbage', 'EST_BAD_RESPONSE', /not base64|certs-only/],
    ['wrong-content-type', 'EST_BAD_RESPONSE', /Content-Type "application\/json"/],
    ['another-key', 'ISSUED_CERTIFICATE_INVALID', /certificate for another key/],
    ['pending', 'EST_REFUSED', /on hold for approval; retry after 60/],
    ['html-error', 'EST_REFUSED', /refused with 400: .*CSR subject not allowed/],
    ['server-error', 'EST_UNREACHABLE', /answered 503/],
  ];
  it.each(cases)(
    '%s → %s; nothing installed on the device or recorded as enrolled',
    async (mode, code, message) => {
      hostile.mode = mode;
      const issuer = new EstCertificateIssuer({ serverUrl: hostile.url, tls: { caPem: hostile.caPem } });
      const error = await enroll(issuer).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code });
      expect((error as AppError).message).toMatch(message);
      expect(enrolledEvents()).toEqual([]);
      expect(await installedChain()).toBeNull();
    },
  );

  it('enrolls when the same server answers correctly, and sends the CSR as application/pkcs10', async () => {
    hostile.mode = 'ok';
    hostile.requests = [];
    const issuer = new EstCertificateIssuer({ serverUrl: hostile.url, tls: { caPem: hostile.caPem } });
    const result = await enroll(issuer);
    expect(result.chain).toHaveLength(2);
    expect(hostile.requests.find((request) => request.path.endsWith('/simpleenroll'))?.contentType).toBe(
      'application/pkcs10',
    );
    expect(await opensslVerify(bench.folder, result.chain)).toMatch(/: OK$/);
  });
});
