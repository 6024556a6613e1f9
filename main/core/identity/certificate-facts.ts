import type { JsonValue } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { normalizeSerial, sha256Hex, toArrayBuffer } from './der-bytes';
import { x509 } from './x509';

/** What the ledger and the UI say about one certificate. */
export interface CertificateFacts {
  /** Lower-case hex without leading zeros, as the fleet server stores it. */
  certificateSerial: string;
  /** SHA-256 of the DER certificate, lower-case hex: what `openssl x509 -fingerprint -sha256` prints. */
  fingerprintSha256: string;
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  /** SHA-256 of the SubjectPublicKeyInfo DER. */
  publicKeySha256: string;
}

/** Parses a DER certificate; `code` names whose bytes they were when they do not parse. */
export function parseCertificate(
  der: Uint8Array,
  code:
    'ISSUED_CERTIFICATE_INVALID' | 'CERTIFICATE_VERIFY_FAILED' | 'OFFLINE_CA_UNUSABLE' | 'EST_BAD_RESPONSE',
  what: string,
): x509.X509Certificate {
  try {
    return new x509.X509Certificate(toArrayBuffer(der));
  } catch (error: unknown) {
    throw new AppError(code, `${what} is not an X.509 certificate (DER)`, { cause: error });
  }
}

export function certificateFacts(certificate: x509.X509Certificate): CertificateFacts {
  return {
    certificateSerial: normalizeSerial(certificate.serialNumber),
    fingerprintSha256: sha256Hex(certificate.rawData),
    subject: certificate.subject,
    issuer: certificate.issuer,
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
    publicKeySha256: sha256Hex(certificate.publicKey.rawData),
  };
}

export function factsAsJson(facts: CertificateFacts): { [key: string]: JsonValue } {
  return { ...facts };
}

export function toPem(der: Uint8Array): string {
  return x509.PemConverter.encode(toArrayBuffer(der), 'CERTIFICATE');
}
