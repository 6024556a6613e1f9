import type { StoredEvent } from '../ports/ledger-store';
import type { RevocableCertificate } from './revocable-certificates';
import {
  CESSATION_OF_OPERATION,
  RetirementEvent,
  type RetirementLedger,
  type RevocationRequestedPayload,
} from './retirement-ledger';
import type { SanitizationCertificate } from './sanitization-certificate';

/**
 * Records the end of a verified wipe: one `certificate.revocation-requested` per certificate (the
 * sync sender revokes them at the fleet server when it next reaches it), then `device.retired`
 * carrying the signed certificate of sanitization. Retired comes last, so a crash in between leaves a
 * device that is wiped and has its revocation queued but is not yet recorded retired: running the
 * retirement again finishes it, and nothing ever says retired without everything before it.
 */
export function recordRetirement(
  services: { ledger: RetirementLedger; actor: string },
  request: { deviceId: string },
  certificate: SanitizationCertificate,
  revocable: readonly RevocableCertificate[],
): StoredEvent {
  for (const entry of revocable) {
    const payload: RevocationRequestedPayload = {
      certificateSerial: entry.certificateSerial,
      fingerprintSha256: entry.fingerprintSha256,
      reason: CESSATION_OF_OPERATION.name,
      reasonCode: CESSATION_OF_OPERATION.code,
      operationId: certificate.body.operationId,
    };
    services.ledger.append({
      actor: services.actor,
      deviceId: request.deviceId,
      type: RetirementEvent.revocationRequested,
      payload,
    });
  }
  return services.ledger.append({
    actor: services.actor,
    deviceId: request.deviceId,
    type: RetirementEvent.retired,
    payload: {
      operationId: certificate.body.operationId,
      method: certificate.body.method.level,
      operator: certificate.body.operator,
      serial: certificate.body.device.serial,
      model: certificate.body.device.model,
      stationKeyId: certificate.signature.keyId,
      certificate,
    },
  });
}
