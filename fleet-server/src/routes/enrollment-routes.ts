import type { FleetApp } from '../http/fleet-app';
import { enrollStation } from '../enrollment/enroll-station';
import { stationEnrollmentRequestSchema } from '../http/api-schemas';
import { parseInput, type FleetContext } from '../http/fleet-context';


/** Station enrollment: the one route a station calls before it has a certificate. */
export function registerEnrollmentRoutes(app: FleetApp, context: FleetContext): void {
  app.post('/enroll/station', { bodyLimit: 64 * 1024 }, async (request, reply) => {
    const input = parseInput(stationEnrollmentRequestSchema, request.body);
    const enrollment = await enrollStation(context.db, context.pki.fleetCa, input);
    context.metrics.certificatesIssued.inc({ kind: 'station', source: 'enrollment' });
    request.log.info({ stationId: enrollment.stationId, serial: enrollment.serialNumber }, 'station enrolled');
    return reply.status(201).send(enrollment);
  });
}
