import { AppError, toAppError } from '../../../shared/errors';
import type { FleetClient } from '../ports/fleet-client';
import type { LedgerStore } from '../ports/ledger-store';
import { IdentityEvent } from '../identity/identity-ledger';
import type { AppendRequest } from '../ledger/ledger-service';
import { allEventsOfType, payloadField } from './ledger-event-reading';

/** The fleet server's answer to POST /certificates/offline, summed over batches. */
export interface OfflineRegistrationResult {
  registered: number;
  duplicates: number;
  serials: string[];
}

/**
 * A fleet client that can register device certificates the station's offline CA issued
 * (HttpsFleetClient does). Kept beside the sync that uses it rather than on `FleetClient`, so clients
 * without it (test doubles, older adapters) still sync records and simply skip this part.
 */
export interface OfflineCertificateRegistrar {
  registerOfflineCertificates(certificatePems: readonly string[], signal: AbortSignal): Promise<OfflineRegistrationResult>;
}

export function canRegisterOfflineCertificates(client: FleetClient): client is FleetClient & OfflineCertificateRegistrar {
  return typeof (client as Partial<OfflineCertificateRegistrar>).registerOfflineCertificates === 'function';
}

/** Recorded after the fleet server confirmed it holds these offline-issued certificates. */
export const OFFLINE_REGISTERED_EVENT = 'certificate.offline-registered';


export interface PendingOfflineCertificate {
  certificateSerial: string;
  certificatePem: string;
}

/**
 * Offline issuances (`certificate.issued-offline`) that no `certificate.offline-registered` event
 * covers yet, oldest first. The record of what was registered lives in the ledger itself, so every
 * process on the data folder (station, CLI) agrees and each certificate is sent once; a resend after a
 * lost answer is harmless (the server counts it as a duplicate).
 */
export function pendingOfflineCertificates(store: Pick<LedgerStore, 'listEvents'>): PendingOfflineCertificate[] {
  const registered = new Set<string>();
  for (const event of allEventsOfType(store, OFFLINE_REGISTERED_EVENT)) {
    const serials = payloadField(event, 'serials');
    if (Array.isArray(serials)) for (const serial of serials) if (typeof serial === 'string') registered.add(serial);
  }
  const pending: PendingOfflineCertificate[] = [];
  const seen = new Set<string>();
  for (const event of allEventsOfType(store, IdentityEvent.issuedOffline).reverse()) {
    const certificateSerial = payloadField(event, 'certificateSerial');
    const certificatePem = payloadField(event, 'certificatePem');
    if (typeof certificateSerial !== 'string' || typeof certificatePem !== 'string') continue;
    if (registered.has(certificateSerial) || seen.has(certificateSerial)) continue;
    seen.add(certificateSerial);
    pending.push({ certificateSerial, certificatePem });
  }
  return pending;
}



export interface OfflineCertificateSyncPorts {
  store: Pick<LedgerStore, 'listEvents'>;
  /** Appends the `certificate.offline-registered` record (through the core, so UIs hear of it). */
  recordRegistered: (result: OfflineRegistrationResult) => void;
}

/**
 * Sends what is pending and records what the server confirmed. Returns null when nothing was pending
 * or the client cannot register. A failure propagates (the scheduler backs off and shows it).
 */
export async function registerPendingOfflineCertificates(
  client: FleetClient,
  ports: OfflineCertificateSyncPorts,
  signal: AbortSignal,
): Promise<OfflineRegistrationResult | null> {
  if (!canRegisterOfflineCertificates(client)) return null;
  const pending = pendingOfflineCertificates(ports.store);
  if (pending.length === 0) return null;
  let result: OfflineRegistrationResult;
  try {
    result = await client.registerOfflineCertificates(
      pending.map((certificate) => certificate.certificatePem),
      signal,
    );
  } catch (error: unknown) {
    // The sync status shows this message: say which part of the sync failed and how much waits.
    const cause = toAppError(error);
    throw new AppError(cause.code, `registering ${pending.length} offline-issued certificate(s): ${cause.message}`, {
      cause: error,
      ...(cause.details === undefined ? {} : { details: cause.details }),
    });
  }
  ports.recordRegistered(result);
  return result;
}

/** The ports `createCore` hands the scheduler: the ledger to read, and an append that records registrations. */
export function offlineCertificateSyncPorts(
  store: Pick<LedgerStore, 'listEvents'>,
  append: (request: AppendRequest) => unknown,
  actor: string,
): OfflineCertificateSyncPorts {
  return {
    store,
    recordRegistered: (result) => {
      append({
        actor,
        deviceId: null,
        type: OFFLINE_REGISTERED_EVENT,
        payload: { serials: result.serials, registered: result.registered, duplicates: result.duplicates },
      });
    },
  };
}
