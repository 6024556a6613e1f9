import { certificateFacts } from '../identity/certificate-facts';
import { lastEnrollment } from '../identity/identity-ledger';
import { x509 } from '../identity/x509';
import { RetirementEvent, type RetirementLedger } from './retirement-ledger';

/** A device certificate a retirement asks the fleet server to revoke. */
export interface RevocableCertificate {
  [key: string]: string;
  certificateSerial: string;
  fingerprintSha256: string;
  /** `installed` (read from the device before zeroize) or `ledger` (the last one this ledger enrolled). */
  source: 'installed' | 'ledger';
}

/**
 * The certificates to revoke when a device retires: the one installed on it (read before zeroize) and
 * the last one the ledger recorded enrolling, when that is another (the device lost it, was re-flashed),
 * leaving out any whose revocation was already requested. A device "certificate" that does not parse
 * as X.509 has no serial to revoke; it is still zeroized and its absence verified.
 */
export function certificatesToRevoke(
  installedDer: Uint8Array | null,
  ledger: RetirementLedger,
  deviceId: string,
): RevocableCertificate[] {
  const found: RevocableCertificate[] = [];
  const installed = installedDer === null ? null : parseSerial(installedDer);
  if (installed !== null) found.push({ ...installed, source: 'installed' });
  const recorded = lastEnrollment(ledger, deviceId);
  if (recorded !== null && !found.some((entry) => entry.certificateSerial === recorded.certificateSerial))
    found.push({ ...recorded, source: 'ledger' });
  const requested = new Set(
    ledger
      .listEvents({ deviceId, type: RetirementEvent.revocationRequested, limit: 100 })
      .map((event) => (event.payload as { certificateSerial?: unknown } | null)?.certificateSerial),
  );
  return found.filter((entry) => !requested.has(entry.certificateSerial));
}

function parseSerial(der: Uint8Array): { certificateSerial: string; fingerprintSha256: string } | null {
  try {
    const facts = certificateFacts(new x509.X509Certificate(new Uint8Array(der)));
    return { certificateSerial: facts.certificateSerial, fingerprintSha256: facts.fingerprintSha256 };
  } catch {
    // Not X.509: nothing a CA could revoke (see above).
    return null;
  }
}
