import { AppError } from '../../../shared/errors';
import type { SqlExecutor } from '../db/database';
import type { CertificateAuthority } from '../pki/certificate-authority';
import { commonNameOf } from '../pki/certificate-request';
import { recordCertificate } from '../pki/certificate-store';
import { issueCertificate } from '../pki/issue-certificate';
import type { x509 } from '../pki/x509';

/** Device ids become a CN; they are plain tokens so that the subject cannot smuggle other RDNs. */
const DEVICE_ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,199}$/;

export interface DeviceEnrollment {
  certificate: x509.X509Certificate;
  deviceId: string;
}

/**
 * Issues a device certificate from a CSR (EST simpleenroll / simplereenroll). The private key
 * stays on the device: the CSR's signature proves the requester holds it. `expectedSubject`
 * enforces RFC 7030 §4.2.2 for re-enrollment: the subject must not change.
 */
export async function issueDeviceCertificate(
  db: SqlExecutor,
  deviceCa: CertificateAuthority,
  input: { request: x509.Pkcs10CertificateRequest; stationId: string | null; source: 'est'; expectedSubject?: string },
): Promise<DeviceEnrollment> {
  const { request } = input;
  const deviceId = commonNameOf(request);
  if (!DEVICE_ID.test(deviceId)) throw new AppError('CSR_INVALID', 'the CSR’s CN must be the device id (letters, digits, . _ : @ -)', { details: { subject: request.subject } });
  if (input.expectedSubject !== undefined && request.subject !== input.expectedSubject) {
    throw new AppError('CSR_INVALID', 'a re-enrollment must keep the subject of the certificate being renewed', {
      details: { expected: input.expectedSubject, requested: request.subject },
    });
  }
  const certificate = await issueCertificate({ profile: 'device', subject: `CN=${deviceId}`, publicKey: request.publicKey, issuer: deviceCa });
  await recordCertificate(db, certificate, { kind: 'device', source: input.source, stationId: input.stationId, deviceId });
  return { certificate, deviceId };
}
