import type { FleetApp } from '../http/fleet-app';
import { z } from 'zod';
import { AppError } from '../../../shared/errors';
import { requireStation } from '../http/client-certificate';
import { deviceListQuerySchema } from '../http/api-schemas';
import { parseInput, type FleetContext } from '../http/fleet-context';
import { getDeviceHistory } from '../ingest/station-events';
import { getDevice, listDevices } from '../projection/device-store';


const deviceParams = z.object({ deviceId: z.string().min(1).max(200) });

/** The fleet-wide device view, readable by any enrolled station. */
export function registerDeviceRoutes(app: FleetApp, context: FleetContext): void {
  const authenticate = async (request: Parameters<typeof requireStation>[0]) => {
    await requireStation(request, context.db, context.fleetCaCertificate);
  };

  app.get('/devices', async (request) => {
    await authenticate(request);
    return listDevices(context.db, parseInput(deviceListQuerySchema, request.query));
  });

  app.get('/devices/:deviceId', async (request) => {
    await authenticate(request);
    const { deviceId } = parseInput(deviceParams, request.params);
    const device = await getDevice(context.db, deviceId);
    if (device === null) throw new AppError('NOT_FOUND', `no device ${deviceId}`, { details: { deviceId } });
    return device;
  });

  app.get('/devices/:deviceId/history', async (request) => {
    await authenticate(request);
    const { deviceId } = parseInput(deviceParams, request.params);
    const events = await getDeviceHistory(context.db, deviceId);
    if (events.length === 0) throw new AppError('NOT_FOUND', `no events about device ${deviceId}`, { details: { deviceId } });
    return { deviceId, events };
  });
}
