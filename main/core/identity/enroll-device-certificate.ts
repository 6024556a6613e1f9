import { AppError, toAppError } from '../../../shared/errors';
import type { CertificateIssuer, IssuerAnswer } from '../ports/certificate-issuer';
import { systemClock, type Clock } from '../ports/clock';
import { silentLogger, type Logger } from '../ports/logger';
import { renderSubject, type CertificateProfile } from './certificate-profile';
import { certificateFacts, parseCertificate, type CertificateFacts } from './certificate-facts';
import { checkCertificateRequest, type CheckedCsr } from './csr-check';
import { bytesEqual } from './der-bytes';
import type { DeviceIdentity } from './device-identity';
import {
  IdentityEvent,
  lastEnrollment,
  type CertificateEnrolledPayload,
  type EnrollmentMode,
  type IdentityLedger,
} from './identity-ledger';
import { assembleIssuedChain, type IssuedChain } from './issued-chain';
import type { x509 } from './x509';

/** The steps of an enrollment, in order; a failure's `details.step` names the one that failed. */
export type EnrollmentStep =
  | 'read-identity'
  | 'read-certificate'
  | 'generate-key'
  | 'check-csr'
  | 'issue'
  | 'check-certificate'
  | 'install'
  | 'verify'
  | 'record';

export interface EnrollDeviceCertificateInput {
  device: DeviceIdentity;
  issuer: CertificateIssuer;
  profile: CertificateProfile;
  ledger: IdentityLedger;
  /** The ledger's id for the device (`hwid:…`, as discovery names it). */
  deviceId: string;
  /** Lower-case hex the device must report (DEVICE_MISMATCH otherwise); null or absent accepts it. */
  expectedHardwareId?: string | null;
  actor?: string;
  clock?: Clock;
  logger?: Logger;
  signal?: AbortSignal;
  onStep?: (step: EnrollmentStep) => void;
}

export interface EnrollmentResult {
  mode: EnrollmentMode;
  certificate: CertificateFacts;
  /** Installed and read back, leaf first (DER). */
  chain: Uint8Array[];
  /** The ledger position of `certificate.enrolled`. */
  ledgerPosition: number;
}

/**
 * Enrolls (or renews) a device certificate: read the device's identity and installed certificate →
 * have the device generate a key pair and CSR (the private key never leaves it) → check the CSR
 * against the profile → issue (EST or offline CA) → check the answer against the CSR → install the
 * chain → read it back and compare → append `certificate.enrolled` with the fingerprint and chain.
 * Nothing is recorded as enrolled unless the device holds exactly the checked chain; a failure is an
 * AppError whose `details.step` names the step. (The offline CA records its own issuance.)
 */
export async function enrollDeviceCertificate(
  input: EnrollDeviceCertificateInput,
): Promise<EnrollmentResult> {
  const { device, issuer, profile, ledger, deviceId, signal } = input;
  const clock = input.clock ?? systemClock;
  const logger = (input.logger ?? silentLogger).child({ deviceId, issuer: issuer.description });
  const step = async <T>(name: EnrollmentStep, run: () => Promise<T> | T): Promise<T> => {
    if (signal?.aborted)
      throw new AppError('CANCELLED', `enrollment cancelled before ${name}`, { details: { step: name } });
    input.onStep?.(name);
    try {
      return await run();
    } catch (error: unknown) {
      throw withStep(error, name);
    }
  };

  const identity = await step('read-identity', async () => {
    const facts = await device.readIdentity(signal);
    const expected = input.expectedHardwareId?.toLowerCase() ?? null;
    if (expected !== null && facts.hardwareId !== expected) {
      throw new AppError(
        'DEVICE_MISMATCH',
        `the device reports hardware id ${facts.hardwareId}, not ${expected}`,
        {
          details: { expected, actual: facts.hardwareId },
        },
      );
    }
    return facts;
  });
  const { installed, previous, mode } = await step('read-certificate', async () => {
    const chain = await device.readInstalledChain(signal);
    const leaf = readableLeaf(chain, logger);
    const recorded = lastEnrollment(ledger, deviceId);
    const installedFacts = leaf === null ? null : certificateFacts(leaf);
    const isRecordedOnDevice =
      recorded !== null && installedFacts?.fingerprintSha256 === recorded.fingerprintSha256;
    const chosen: EnrollmentMode =
      recorded === null ? 'initial' : isRecordedOnDevice ? 'renewal' : 're-enrollment';
    return {
      installed: leaf === null || installedFacts === null ? null : { leaf, facts: installedFacts },
      previous: recorded,
      mode: chosen,
    };
  });
  // RFC 7030 §4.2.2: a renewal keeps the subject of the certificate being renewed.
  const subject =
    mode === 'renewal' && installed !== null ? installed.leaf.subject : renderSubject(profile, identity);
  const csrDer = await step('generate-key', () =>
    device.generateKeyAndCsr({ subject, algorithm: profile.keyAlgorithm }, signal),
  );
  const csr = await step('check-csr', () =>
    checkCertificateRequest(csrDer, {
      profile,
      expectedSubject: subject,
      retiredKeys: installed === null ? [] : [new Uint8Array(installed.leaf.publicKey.rawData)],
    }),
  );
  logger.info({ mode, subject, publicKeySha256: csr.publicKeySha256 }, 'device CSR checked');
  const answer = await step('issue', () =>
    issue(issuer, mode, csr, deviceId, installed?.leaf.rawData, signal),
  );
  const issued = await step('check-certificate', () =>
    assembleIssuedChain(answer, csr, { profile, nowMs: clock.nowMs() }),
  );
  await step('install', () => device.installChain(issued.chain, signal));
  await step('verify', async () => {
    const readBack = await device.readInstalledChain(signal);
    if (readBack === null)
      throw new AppError('CERTIFICATE_VERIFY_FAILED', 'the device reports no certificate after the install');
    const isSame =
      readBack.length === issued.chain.length &&
      readBack.every((der, index) => bytesEqual(der, issued.chain[index]!));
    if (!isSame) {
      throw new AppError(
        'CERTIFICATE_VERIFY_FAILED',
        'the chain read back from the device differs from the one installed',
        {
          details: { installedLength: issued.chain.length, readBackLength: readBack.length },
        },
      );
    }
  });
  const stored = await step('record', () =>
    ledger.append({
      actor: input.actor ?? 'station',
      deviceId,
      type: IdentityEvent.enrolled,
      payload: enrolledPayload({
        mode,
        issuer,
        issued,
        identity,
        previous,
        installed: installed?.facts ?? null,
      }),
    }),
  );
  logger.info(
    {
      mode,
      certificateSerial: issued.leaf.certificateSerial,
      fingerprintSha256: issued.leaf.fingerprintSha256,
    },
    'device certificate enrolled',
  );
  return { mode, certificate: issued.leaf, chain: issued.chain, ledgerPosition: stored.position };
}

function issue(
  issuer: CertificateIssuer,
  mode: EnrollmentMode,
  csr: CheckedCsr,
  deviceId: string,
  currentCertificate: ArrayBuffer | undefined,
  signal: AbortSignal | undefined,
): Promise<IssuerAnswer> {
  const request = { csrDer: csr.der, deviceId };
  return mode === 'renewal' && currentCertificate !== undefined
    ? issuer.reenroll({ ...request, currentCertificate: new Uint8Array(currentCertificate) }, signal)
    : issuer.enroll(request, signal);
}

function enrolledPayload(input: {
  mode: EnrollmentMode;
  issuer: CertificateIssuer;
  issued: IssuedChain;
  identity: { hardwareId: string; serialNumber: string; model: string };
  previous: { certificateSerial: string; fingerprintSha256: string } | null;
  installed: CertificateFacts | null;
}): CertificateEnrolledPayload {
  const { leaf } = input.issued;
  const replacedUnrecorded =
    input.installed !== null && input.installed.fingerprintSha256 !== input.previous?.fingerprintSha256
      ? { fingerprintSha256: input.installed.fingerprintSha256, subject: input.installed.subject }
      : null;
  return {
    mode: input.mode,
    source: input.issuer.kind,
    issuer: input.issuer.description,
    certificateSerial: leaf.certificateSerial,
    fingerprintSha256: leaf.fingerprintSha256,
    subject: leaf.subject,
    certificateIssuer: leaf.issuer,
    notBefore: leaf.notBefore,
    notAfter: leaf.notAfter,
    publicKeySha256: leaf.publicKeySha256,
    rootSha256: input.issued.root.fingerprintSha256,
    chain: input.issued.chain.map((der) => Buffer.from(der).toString('base64')),
    previous: input.previous,
    replacedUnrecorded,
    hardwareId: input.identity.hardwareId,
    serial: input.identity.serialNumber,
    model: input.identity.model,
  };
}

/** The device's installed leaf; one that does not parse counts as none (it is replaced), and is logged. */
function readableLeaf(chain: Uint8Array[] | null, logger: Logger): x509.X509Certificate | null {
  const der = chain?.[0];
  if (der === undefined) return null;
  try {
    return parseCertificate(der, 'CERTIFICATE_VERIFY_FAILED', "the device's installed certificate");
  } catch (error: unknown) {
    logger.warn(
      { err: error },
      'the certificate installed on the device does not parse; enrolling as if it held none',
    );
    return null;
  }
}

/** The same error with the failed step in its details (an AppError's code and message are kept). */
function withStep(error: unknown, step: EnrollmentStep): AppError {
  const appError = toAppError(error);
  if (appError.details?.step !== undefined) return appError;
  return new AppError(appError.code, appError.message, {
    details: { ...appError.details, step },
    cause: appError.cause ?? error,
  });
}
