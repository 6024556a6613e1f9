import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { FleetApp } from '../http/fleet-app';
import { z } from 'zod';
import { toAppError } from '../../../shared/errors';
import { assertSameStation, requireStation, requireTlsClient } from '../http/client-certificate';
import { parseInput, type FleetContext } from '../http/fleet-context';
import { applyBatch } from '../ingest/apply-batch';
import { BATCH_LIMITS, stationIdSchema } from '../ingest/batch-schema';
import { getStationPosition } from '../ingest/station-events';
import { validateBatch } from '../ingest/validate-batch';

const positionParams = z.object({ stationId: stationIdSchema });

/** Ledger sync: stations push batches of their hash-chained events and ask where to resume. */
export function registerIngestRoutes(app: FleetApp, context: FleetContext): void {
  // The TLS-level check runs before the body is read, so an anonymous client cannot make the server
  // parse megabytes of JSON; the full check (database, revocation) follows in the handler.
  const onRequest = (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    try {
      requireTlsClient(request, context.fleetCaCertificate);
      done();
    } catch (error: unknown) {
      const appError = toAppError(error);
      context.metrics.batchesRejected.inc({ code: appError.code });
      done(appError);
    }
  };

  app.post('/ingest/batches', { bodyLimit: BATCH_LIMITS.maxBodyBytes, onRequest }, async (request) => {
    try {
      const { stationId } = await requireStation(request, context.db, context.fleetCaCertificate);
      const batch = validateBatch(request.body);
      assertSameStation(stationId, batch.stationId);
      const ack = await applyBatch(context.db, batch);
      const newest = ack.accepted > 0 ? (batch.events.at(-1)?.id ?? null) : null;
      context.metrics.recordAcceptedBatch(stationId, ack.accepted, ack.duplicates, newest, context.nowMs());
      request.log.info(ack, 'batch stored');
      return ack;
    } catch (error: unknown) {
      context.metrics.batchesRejected.inc({ code: toAppError(error).code });
      throw error;
    }
  });

  app.get('/ingest/stations/:stationId/position', async (request) => {
    const { stationId } = await requireStation(request, context.db, context.fleetCaCertificate);
    const params = parseInput(positionParams, request.params);
    assertSameStation(stationId, params.stationId);
    return getStationPosition(context.db, stationId);
  });
}
