import { AppError, toAppError } from '../../../shared/errors';
import type { AppendRequest } from '../ledger/ledger-service';
import type { FleetClient } from '../ports/fleet-client';
import type { LedgerStore, StoredEvent } from '../ports/ledger-store';
import { allEventsOfType, payloadField } from './ledger-event-reading';

/** Written by retirement (main/core/retirement/retirement-ledger.ts): a device certificate to revoke. */
export const REVOCATION_REQUESTED_EVENT = 'certificate.revocation-requested';
/** Recorded once the fleet server confirmed the revocation. */
export const REVOKED_EVENT = 'certificate.revoked';

/**
 * A fleet client that can revoke device certificates: POST /certificates/:serial/revoke (the fleet
 * server keeps the first revocation time and reason, so a resend is harmless). Kept beside the sync that
 * uses it rather than on `FleetClient`, as the offline registration is.
 */
export interface CertificateRevoker {
  revokeDeviceCertificate(
    serial: string,
    reasonCode: number,
    signal: AbortSignal,
  ): Promise<{ isNewRevocation: boolean; revokedAt: string | null }>;
}

export function canRevokeCertificates(client: FleetClient): client is FleetClient & CertificateRevoker {
  return typeof (client as Partial<CertificateRevoker>).revokeDeviceCertificate === 'function';
}

export interface PendingRevocation {
  certificateSerial: string;
  reasonCode: number;
  deviceId: string | null;
  requestEventId: string;
}


/**
 * Revocation requests no `certificate.revoked` covers yet, oldest first, one per serial. What was
 * revoked is recorded in the ledger itself, so every process on the data folder agrees and each
 * revocation reaches the server once (quality.md, "Retirement").
 */
export function pendingRevocations(store: Pick<LedgerStore, 'listEvents'>): PendingRevocation[] {
  const revoked = new Set<string>();
  for (const event of allEventsOfType(store, REVOKED_EVENT)) {
    const serial = payloadField(event, 'certificateSerial');
    if (typeof serial === 'string') revoked.add(serial);
  }
  const pending: PendingRevocation[] = [];
  for (const event of allEventsOfType(store, REVOCATION_REQUESTED_EVENT).reverse()) {
    const serial = payloadField(event, 'certificateSerial');
    const reasonCode = payloadField(event, 'reasonCode');
    if (typeof serial !== 'string' || revoked.has(serial)) continue;
    revoked.add(serial);
    pending.push({
      certificateSerial: serial,
      reasonCode: typeof reasonCode === 'number' ? reasonCode : 0,
      deviceId: event.deviceId,
      requestEventId: event.id,
    });
  }
  return pending;
}

export interface RevocationSyncPorts {
  store: Pick<LedgerStore, 'listEvents'>;
  /** Appends `certificate.revoked` for one confirmed revocation (through the core, so UIs hear of it). */
  recordRevoked: (revocation: PendingRevocation, answer: { isNewRevocation: boolean; revokedAt: string | null }) => void;
}

/** Failures of the link rather than answers about one certificate: the whole pass stops and backs off. */
const LINK_FAILURES: ReadonlySet<string> = new Set(['FLEET_UNREACHABLE', 'TIMEOUT', 'CANCELLED', 'TRANSPORT_CLOSED']);

/**
 * Sends every pending revocation and records each confirmation as it comes. A certificate the server
 * refuses (NOT_FOUND: issued elsewhere, or its offline registration has not gone out yet; any other
 * refusal naming it) stays pending, is listed in `leftPending`, and is tried again next pass without
 * holding up the others or the records. A failure of the link propagates (the scheduler backs off and
 * shows it). Returns what happened, or null when the client cannot revoke or nothing is pending.
 */
export async function sendPendingRevocations(
  client: FleetClient,
  ports: RevocationSyncPorts,
  signal: AbortSignal,
): Promise<{ revoked: number; leftPending: { certificateSerial: string; code: string; message: string }[] } | null> {
  if (!canRevokeCertificates(client)) return null;
  const pending = pendingRevocations(ports.store);
  if (pending.length === 0) return null;
  const result = { revoked: 0, leftPending: [] as { certificateSerial: string; code: string; message: string }[] };
  for (const revocation of pending) {
    let answer: { isNewRevocation: boolean; revokedAt: string | null };
    try {
      answer = await client.revokeDeviceCertificate(revocation.certificateSerial, revocation.reasonCode, signal);
    } catch (error: unknown) {
      const cause = toAppError(error);
      if (!LINK_FAILURES.has(cause.code)) {
        result.leftPending.push({ certificateSerial: revocation.certificateSerial, code: cause.code, message: cause.message });
        continue;
      }
      throw new AppError(cause.code, `revoking device certificate ${revocation.certificateSerial}: ${cause.message}`, {
        cause: error,
        ...(cause.details === undefined ? {} : { details: cause.details }),
      });
    }
    ports.recordRevoked(revocation, answer);
    result.revoked += 1;
  }
  return result;
}



/** The ports the scheduler gets: the ledger to read, and `append` to record each confirmation. */
export function revocationSyncPorts(
  store: Pick<LedgerStore, 'listEvents'>,
  append: (request: AppendRequest) => StoredEvent,
  actor: string,
): RevocationSyncPorts {
  return {
    store,
    recordRevoked: (revocation, answer) =>
      void append({
        actor,
        deviceId: revocation.deviceId,
        type: REVOKED_EVENT,
        payload: {
          certificateSerial: revocation.certificateSerial,
          reasonCode: revocation.reasonCode,
          requestEventId: revocation.requestEventId,
          isNewRevocation: answer.isNewRevocation,
          revokedAt: answer.revokedAt,
        },
      }),
  };
}
