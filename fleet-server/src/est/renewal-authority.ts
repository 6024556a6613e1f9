import type { FastifyRequest } from 'fastify';
import { AppError } from '../../../shared/errors';
import { isClientCertificateFrom, requireStation, requireTlsClient } from '../http/client-certificate';
import type { FleetContext } from '../http/fleet-context';
import { findCertificate, type CertificateRecord } from '../pki/certificate-store';

/**
 * Who may renew which device certificate (RFC 7030 §4.2.2). Either the device itself, over TLS with
 * the certificate being renewed, or an enrolled station on the device's behalf (the usual case:
 * devices talk to their station, not to the fleet server), for a subject that has a current
 * certificate. Returns the certificate being renewed and the station, if one asked.
 */
export async function authorizeRenewal(
  request: FastifyRequest,
  context: FleetContext,
  requestedSubject: string,
): Promise<{ current: CertificateRecord; stationId: string | null }> {
  let current: CertificateRecord | null;
  let stationId: string | null = null;
  if (isClientCertificateFrom(request, context.deviceCaCertificate)) {
    current = await findCertificate(context.db, requireTlsClient(request, context.deviceCaCertificate).serial);
  } else {
    stationId = (await requireStation(request, context.db, context.fleetCaCertificate)).stationId;
    const rows = await context.db.query<{ serial: string }>(
      `SELECT serial FROM certificates WHERE kind = 'device' AND subject = $1 AND revoked_at IS NULL ORDER BY not_after DESC LIMIT 1`,
      [requestedSubject],
    );
    current = rows[0] === undefined ? null : await findCertificate(context.db, rows[0].serial);
  }
  if (current === null || current.kind !== 'device') {
    throw new AppError('CERTIFICATE_INVALID', 'there is no current device certificate to renew', { details: { subject: requestedSubject } });
  }
  if (current.revokedAt !== null) {
    throw new AppError('CERTIFICATE_INVALID', 'the certificate being renewed is revoked', { details: { serial: current.serial } });
  }
  return { current, stationId };
}
