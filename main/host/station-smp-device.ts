import { AppError } from '../../shared/errors';
import { SmpClient } from '../core/drivers/smp/smp-client';
import type { IdentityPorts } from '../core/identity/identity-handlers';

/**
 * A device the station reaches over SMP where discovery sees it (as enrollment reaches it), for the
 * work that needs an SMP client itself: provisioning and retirement.
 */
export async function openStationSmpDevice(
  identity: IdentityPorts,
  deviceId: string,
  signal: AbortSignal,
): Promise<{ client: SmpClient; close: () => Promise<void> }> {
  const opened = await identity.openDevice(deviceId, signal);
  if (!(opened.device instanceof SmpClient)) {
    await opened.close();
    throw new AppError('NOT_IMPLEMENTED', `device ${deviceId} is not reached over SMP; this work needs an SMP device`);
  }
  return { client: opened.device, close: () => opened.close() };
}
