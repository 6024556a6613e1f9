import type { JsonValue } from '../../../shared/contract';
import type { AppendRequest } from '../ledger/ledger-service';
import type { EventQuery, StoredEvent } from '../ports/ledger-store';

/** The ledger events retirement writes (README.md, "Ledger events"). */
export const RetirementEvent = {
  /**
   * The lifecycle event that makes the device `retired` (shared/ledger/lifecycle-rules.ts); written
   * only after a verified wipe, carrying the signed certificate of sanitization.
   */
  retired: 'device.retired',
  /** The read-back after a wipe found something left; the device is not retired. */
  wipeFailed: 'device.wipe-failed',
  /** A device certificate to revoke at the fleet server at the next sync (reason cessationOfOperation). */
  revocationRequested: 'certificate.revocation-requested',
  /** The fleet server confirmed the revocation (main/core/sync/certificate-revocation-sync.ts). */
  revoked: 'certificate.revoked',
} as const;

/** RFC 5280 CRLReason cessationOfOperation: the device is out of service, its key was not compromised. */
export const CESSATION_OF_OPERATION = { name: 'cessationOfOperation', code: 5 } as const;

/** What retirement needs of the ledger (`Core.append` and `LedgerService` together offer it). */
export interface RetirementLedger {
  append(request: AppendRequest): StoredEvent;
  listEvents(query: EventQuery): StoredEvent[];
  deviceHistory(deviceId: string): StoredEvent[];
}

/** The `certificate.revocation-requested` payload. */
export interface RevocationRequestedPayload {
  [key: string]: JsonValue;
  certificateSerial: string;
  fingerprintSha256: string;
  reason: typeof CESSATION_OF_OPERATION.name;
  /** RFC 5280 reason code, what the fleet server's revoke route takes. */
  reasonCode: number;
  operationId: string;
}
