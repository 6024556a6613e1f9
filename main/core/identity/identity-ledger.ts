import type { JsonValue } from '../../../shared/contract';
import type { AppendRequest } from '../ledger/ledger-service';
import type { EventQuery, StoredEvent } from '../ports/ledger-store';

/** What identity enrollment needs of the ledger (LedgerService satisfies it). */
export interface IdentityLedger {
  append(request: AppendRequest): StoredEvent;
  listEvents(query: EventQuery): StoredEvent[];
}

/** The ledger events identity writes. */
export const IdentityEvent = {
  /** A chain was installed on the device and read back identical; a lifecycle event (`enrolled`). */
  enrolled: 'certificate.enrolled',
  /** The station's offline CA signed a device certificate; the fleet server registers it at sync. */
  issuedOffline: 'certificate.issued-offline',
} as const;

/** The `certificate.enrolled` payload. `serial` and `model` are the device's (the projection reads them). */
export interface CertificateEnrolledPayload {
  [key: string]: JsonValue;
  mode: EnrollmentMode;
  source: 'est' | 'offline-ca';
  issuer: string;
  certificateSerial: string;
  fingerprintSha256: string;
  subject: string;
  certificateIssuer: string;
  notBefore: string;
  notAfter: string;
  publicKeySha256: string;
  rootSha256: string;
  /** The installed chain, leaf first, base64 DER. */
  chain: string[];
  /** The certificate this one replaces, as the ledger recorded it: links old and new across renewals and re-flashes. */
  previous: { certificateSerial: string; fingerprintSha256: string } | null;
  /** A certificate the device held that this ledger never recorded (enrolled elsewhere), by fingerprint. */
  replacedUnrecorded: { fingerprintSha256: string; subject: string } | null;
  hardwareId: string;
  serial: string;
  model: string;
}

/**
 * `initial`: the ledger knows no certificate for the device. `renewal`: the device holds the
 * certificate the ledger recorded last (EST simplereenroll). `re-enrollment`: the ledger recorded one
 * but the device no longer holds it (re-flashed, zeroized, replaced): a new enrollment linked to it.
 */
export type EnrollmentMode = 'initial' | 'renewal' | 're-enrollment';

/** The `certificate.issued-offline` payload: `certificatePem` is what POST /certificates/offline takes. */
export interface CertificateIssuedOfflinePayload {
  [key: string]: JsonValue;
  certificatePem: string;
  certificateSerial: string;
  fingerprintSha256: string;
  subject: string;
  notBefore: string;
  notAfter: string;
  /** The issuing CA, for the fleet administrator to register as an `offline-device-ca` trust anchor. */
  caCertificatePem: string;
  caFingerprintSha256: string;
  /** Where the CA key lives (`pkcs11:…`, `os-keystore`). */
  caKey: string;
}

/** The device's last `certificate.enrolled` in this ledger, or null. */
export function lastEnrollment(
  ledger: IdentityLedger,
  deviceId: string,
): { fingerprintSha256: string; certificateSerial: string } | null {
  const [event] = ledger.listEvents({ deviceId, type: IdentityEvent.enrolled, limit: 1 });
  const payload = event?.payload;
  if (payload === undefined || payload === null || typeof payload !== 'object' || Array.isArray(payload))
    return null;
  const { fingerprintSha256, certificateSerial } = payload;
  if (typeof fingerprintSha256 !== 'string' || typeof certificateSerial !== 'string') return null;
  return { fingerprintSha256, certificateSerial };
}

/** The certificates a station issued offline, as the body of the fleet server's POST /certificates/offline. */
export function offlineRegistrationBody(events: readonly StoredEvent[]): { certificates: string[] } {
  const certificates: string[] = [];
  for (const event of events) {
    if (event.type !== IdentityEvent.issuedOffline) continue;
    const payload = event.payload;
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) continue;
    if (typeof payload.certificatePem === 'string') certificates.push(payload.certificatePem);
  }
  return { certificates };
}
