import { AppError } from '../../../../shared/errors';
import type { Logger } from '../../ports/logger';
import type { DfuInterfaceClient } from './dfu-interface-client';
import { dfuStateName, DfuState } from './dfu-protocol';
import { describeDfuStatus } from './dfu-status';
import { pollWhileBusy, type PollLimits } from './dfu-status-poller';

const ABORTABLE_STATES: readonly number[] = [
  DfuState.dfuDNLOAD_SYNC,
  DfuState.dfuDNLOAD_IDLE,
  DfuState.dfuMANIFEST_SYNC,
  DfuState.dfuUPLOAD_IDLE,
];

/**
 * Brings a device in DFU mode back to dfuIDLE, whatever an earlier (interrupted) session left behind
 * (protocols.md §3): dfuERROR is cleared with CLRSTATUS, an unfinished download or upload is ended with
 * ABORT, a busy device is waited for. A device in run-time mode or waiting for a reset cannot be
 * brought there by requests: DEVICE_PROTOCOL says which.
 */
export async function bringToDfuIdle(
  client: DfuInterfaceClient,
  limits: PollLimits,
  logger: Logger,
  signal?: AbortSignal,
): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const report = await pollWhileBusy(client, [DfuState.dfuDNBUSY, DfuState.dfuMANIFEST], limits, signal);
    if (report.state === DfuState.dfuIDLE) return;
    if (report.state === DfuState.dfuERROR) {
      logger.warn(
        { status: report.status, state: report.state },
        `DFU device reports ${describeDfuStatus(report)}; clearing it`,
      );
      await client.clearStatus(signal);
    } else if (ABORTABLE_STATES.includes(report.state)) {
      logger.info(
        { state: report.state },
        `DFU device is in ${dfuStateName(report.state)}; aborting that session`,
      );
      await client.abort(signal);
    } else {
      throw new AppError(
        'DEVICE_PROTOCOL',
        `device is in ${dfuStateName(report.state)}, not in DFU mode; it needs a detach or reset first`,
        {
          details: { state: report.state },
        },
      );
    }
  }
  throw new AppError('DEVICE_PROTOCOL', 'device did not return to dfuIDLE after CLRSTATUS/ABORT');
}

/**
 * After a failed request: read why the device refused (it is in dfuERROR after a stall) and clear it,
 * so the next attempt starts from dfuIDLE. Returns the refusal as an AppError to throw. The cleanup is
 * best effort: when it fails too, that is logged and the original reason is kept.
 */
export async function explainAndClearError(
  client: DfuInterfaceClient,
  original: AppError,
  logger: Logger,
): Promise<AppError> {
  try {
    const report = await client.getStatus();
    if (report.state !== DfuState.dfuERROR) return original;
    await client.clearStatus();
    if (original.details?.state === DfuState.dfuERROR) return original;
    return new AppError(
      'DEVICE_REJECTED',
      `${original.message}; device reports ${describeDfuStatus(report)}`,
      {
        cause: original,
        details: { ...original.details, status: report.status, state: report.state },
      },
    );
  } catch (cleanupError: unknown) {
    logger.warn(
      { error: String(cleanupError) },
      'could not read or clear the DFU error after a failed request',
    );
    return original;
  }
}
