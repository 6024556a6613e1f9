import { generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { SqliteLedgerStore } from '../../adapters/ledger/sqlite-ledger-store';
import { ManualClock } from '../../test-support/manual-clock';
import { makeTempDir } from '../../test-support/temp-dir';
import { LedgerService } from '../ledger/ledger-service';
import type { CertificateIssuer, IssuerAnswer } from '../ports/certificate-issuer';
import { parseCertificateProfile } from './certificate-profile';
import { sha256Hex } from './der-bytes';
import { enrollDeviceCertificate, type EnrollmentStep } from './enroll-device-certificate';
import { IdentityEvent, type CertificateEnrolledPayload } from './identity-ledger';
import { OfflineCaIssuer } from './offline-ca-issuer';
import { keyObjectCaSigningKey } from './sealed-ca-signing-key';
import {
  FakeIdentityDevice,
  generateP256,
  makeCsr,
  makeRoot,
  makeStationCa,
} from './test-support/identity-fixtures';

const NOW = Date.now();
const DEVICE_ID = 'hwid:00C0FFEE';
const profile = parseCertificateProfile({
  subject: { organization: 'Fieldline', organizationalUnit: 'line-3' },
});
let dir: ReturnType<typeof makeTempDir>;
let store: SqliteLedgerStore;
let ledger: LedgerService;
let offline: OfflineCaIssuer;
let device: FakeIdentityDevice;
const clock = new ManualClock(NOW);

/** An issuer that records calls and can be made to answer something else than the offline CA would. */
class RecordingIssuer implements CertificateIssuer {
  readonly kind = 'est';
  readonly description = 'test EST';
  calls: string[] = [];
  tamper: ((answer: IssuerAnswer) => Promise<IssuerAnswer>) | undefined;
  constructor(private readonly inner: CertificateIssuer) {}
  async enroll(request: Parameters<CertificateIssuer['enroll']>[0]): Promise<IssuerAnswer> {
    this.calls.push('enroll');
    const answer = await this.inner.enroll(request);
    return this.tamper ? this.tamper(answer) : answer;
  }
  async reenroll(request: Parameters<CertificateIssuer['reenroll']>[0]): Promise<IssuerAnswer> {
    this.calls.push('reenroll');
    const answer = await this.inner.reenroll(request);
    return this.tamper ? this.tamper(answer) : answer;
  }
}

beforeEach(async () => {
  dir = makeTempDir('fieldline-enroll-');
  store = SqliteLedgerStore.open(`${dir.path}/ledger.db`);
  ledger = new LedgerService(store, clock);
  const root = await makeRoot(NOW);
  const key = keyObjectCaSigningKey(
    generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
    'test station key',
  );
  const ca = await makeStationCa(root, key, { nowMs: NOW });
  offline = await OfflineCaIssuer.open({
    caChain: [ca, root.certificate],
    signingKey: key,
    ledger,
    clock,
    validityDays: 30,
  });
  device = new FakeIdentityDevice();
});
afterEach(() => {
  store.close();
  dir.remove();
});

const enrolledEvents = () => ledger.listEvents({ limit: 50, type: IdentityEvent.enrolled });
const enroll = (issuer: CertificateIssuer, onStep?: (step: EnrollmentStep) => void) =>
  enrollDeviceCertificate({
    device,
    issuer,
    profile,
    ledger,
    deviceId: DEVICE_ID,
    expectedHardwareId: '00C0FFEE',
    clock,
    ...(onStep ? { onStep } : {}),
  });

async function refusal(run: () => Promise<unknown>): Promise<AppError> {
  const error: unknown = await run().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('enrollDeviceCertificate', () => {
  it('enrolls: CSR from the device, offline issuance, install, read-back, ledger record with fingerprint and chain', async () => {
    const steps: EnrollmentStep[] = [];
    const result = await enroll(offline, (step) => steps.push(step));
    expect(steps).toEqual([
      'read-identity',
      'read-certificate',
      'generate-key',
      'check-csr',
      'issue',
      'check-certificate',
      'install',
      'verify',
      'record',
    ]);
    expect(result.mode).toBe('initial');
    expect(device.chain).toHaveLength(3);
    expect(result.certificate.fingerprintSha256).toBe(sha256Hex(device.chain![0]!));
    const [event] = enrolledEvents();
    const payload = event!.payload as CertificateEnrolledPayload;
    expect(payload).toMatchObject({
      mode: 'initial',
      source: 'offline-ca',
      subject: 'O=Fieldline, OU=line-3, CN=FL-0042',
      previous: null,
      serial: 'FL-0042',
      hardwareId: '00c0ffee',
    });
    expect(payload.chain).toEqual(device.chain!.map((der) => Buffer.from(der).toString('base64')));
    expect(store.listDevices().find((record) => record.id === DEVICE_ID)?.state).toBe('enrolled');
    // The offline issuance was recorded before the enrollment.
    expect(
      ledger
        .listEvents({ limit: 50 })
        .map((e) => e.type)
        .reverse(),
    ).toEqual([IdentityEvent.issuedOffline, IdentityEvent.enrolled]);
  });

  it('renews an enrolled device with reenroll and links the old certificate; a re-flashed device re-enrolls and keeps the link', async () => {
    const issuer = new RecordingIssuer(offline);
    const first = await enroll(issuer);
    const renewed = await enroll(issuer);
    expect(renewed.mode).toBe('renewal');
    expect(issuer.calls).toEqual(['enroll', 'reenroll']);
    expect((enrolledEvents()[0]!.payload as CertificateEnrolledPayload).previous).toEqual({
      certificateSerial: first.certificate.certificateSerial,
      fingerprintSha256: first.certificate.fingerprintSha256,
    });
    device.zeroize();
    const again = await enroll(issuer);
    expect(again.mode).toBe('re-enrollment');
    expect(issuer.calls).toEqual(['enroll', 'reenroll', 'enroll']);
    expect((enrolledEvents()[0]!.payload as CertificateEnrolledPayload).previous).toEqual({
      certificateSerial: renewed.certificate.certificateSerial,
      fingerprintSha256: renewed.certificate.fingerprintSha256,
    });
    expect(new Set(enrolledEvents().map((e) => e.deviceId))).toEqual(new Set([DEVICE_ID]));
  });

  it('refuses a CSR that is not signed by its key before anything is issued or recorded', async () => {
    device.csrOverride = async (subject, keys) => makeCsr(subject, keys, { signWith: await generateP256() });
    const error = await refusal(() => enroll(offline));
    expect(error).toMatchObject({ code: 'CSR_INVALID', details: { step: 'check-csr' } });
    expect(ledger.listEvents({ limit: 10 })).toEqual([]);
    expect(device.installs).toEqual([]);
  });

  it('refuses an issuer answer for another key: nothing installed, nothing recorded as enrolled', async () => {
    const issuer = new RecordingIssuer(offline);
    issuer.tamper = async (answer) => {
      const other = new FakeIdentityDevice();
      const otherAnswer = await offline.enroll({
        csrDer: await other.generateKeyAndCsr({ subject: 'O=Fieldline, OU=line-3, CN=FL-0042' }),
        deviceId: 'other',
      });
      return { ...answer, certificates: otherAnswer.certificates };
    };
    const error = await refusal(() => enroll(issuer));
    expect(error).toMatchObject({
      code: 'ISSUED_CERTIFICATE_INVALID',
      details: { step: 'check-certificate' },
    });
    expect(error.message).toMatch(/another key/);
    expect(device.installs).toEqual([]);
    expect(enrolledEvents()).toEqual([]);
  });

  it('refuses a read-back that differs from what was installed', async () => {
    device.readBackOverride = (chain) => chain.slice(0, 1);
    const error = await refusal(() => enroll(offline));
    expect(error).toMatchObject({ code: 'CERTIFICATE_VERIFY_FAILED', details: { step: 'verify' } });
    expect(enrolledEvents()).toEqual([]);
  });

  it('refuses another device than the one expected', async () => {
    device.facts.hardwareId = 'deadbeef';
    expect(await refusal(() => enroll(offline))).toMatchObject({
      code: 'DEVICE_MISMATCH',
      details: { step: 'read-identity' },
    });
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await refusal(() =>
      enrollDeviceCertificate({
        device,
        issuer: offline,
        profile,
        ledger,
        deviceId: DEVICE_ID,
        signal: controller.signal,
      }),
    );
    expect(error.code).toBe('CANCELLED');
  });
});
