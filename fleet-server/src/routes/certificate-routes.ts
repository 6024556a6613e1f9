import { z } from 'zod';
import { AppError } from '../../../shared/errors';
import { offlineRegistrationSchema, registerOfflineCertificates } from '../est/offline-registration';
import { requireStation } from '../http/client-certificate';
import type { FleetApp } from '../http/fleet-app';
import { parseInput, type FleetContext } from '../http/fleet-context';
import { createRevocationList } from '../pki/certificate-revocation-list';
import { findCertificate, revokeCertificate } from '../pki/certificate-store';

const serialParams = z.object({ serial: z.string().regex(/^[0-9a-fA-F]{1,64}$/, 'must be a hex serial number') });
export const revocationRequestSchema = z
  .object({ reason: z.number().int().min(0).max(10).default(0) })
  .strict();

/** Device certificates issued offline, device revocations, and the published CRLs. */
export function registerCertificateRoutes(app: FleetApp, context: FleetContext): void {
  app.post('/certificates/offline', async (request) => {
    const { stationId } = await requireStation(request, context.db, context.fleetCaCertificate);
    const input = parseInput(offlineRegistrationSchema, request.body);
    const result = await registerOfflineCertificates(context.db, context.pki.deviceCa.certificate, { stationId, certificates: input.certificates, nowMs: context.nowMs() });
    if (result.registered > 0) context.metrics.certificatesIssued.inc({ kind: 'device', source: 'offline' }, result.registered);
    request.log.info({ stationId, ...result }, 'offline certificates registered');
    return result;
  });

  // A station revokes a device certificate, e.g. when it retires the device. Resending after a lost
  // response is harmless: the first revocation time and reason stay.
  app.post('/certificates/:serial/revoke', async (request) => {
    const { stationId } = await requireStation(request, context.db, context.fleetCaCertificate);
    const { serial } = parseInput(serialParams, request.params);
    const { reason } = parseInput(revocationRequestSchema, request.body ?? {});
    const existing = await findCertificate(context.db, serial);
    if (existing === null) throw new AppError('NOT_FOUND', `no certificate with serial ${serial}`, { details: { serial } });
    if (existing.kind !== 'device') throw new AppError('STATION_UNKNOWN', 'stations may revoke device certificates only', { details: { serial } });
    const result = await revokeCertificate(context.db, serial, reason);
    if (result?.isNew === true) context.metrics.certificatesRevoked.inc({ kind: 'device' });
    request.log.info({ stationId, serial, isNew: result?.isNew }, 'device certificate revoked');
    return { ...result?.record, isNewRevocation: result?.isNew ?? false };
  });

  for (const ca of [context.pki.fleetCa, context.pki.deviceCa]) {
    app.get(`/pki/${ca.name}-ca.crl`, async (_request, reply) => {
      const crl = await createRevocationList(context.db, ca, context.nowMs());
      return reply.header('content-type', 'application/pkix-crl').send(Buffer.from(crl.rawData));
    });
  }
}
