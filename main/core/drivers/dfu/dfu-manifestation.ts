import { AppError } from '../../../../shared/errors';
import type { Logger } from '../../ports/logger';
import type { DfuInterfaceClient } from './dfu-interface-client';
import { DfuState } from './dfu-protocol';
import { expectState, pollWhileBusy, type PollLimits } from './dfu-status-poller';

/**
 * Where manifestation left the device: a manifestation-tolerant device is back in dfuIDLE; another one
 * waits in dfuMANIFEST-WAIT-RESET for a bus reset, or has already left the bus to reboot.
 */
export type DfuEndState = 'dfu-idle' | 'waiting-for-reset' | 'left-the-bus';

/**
 * Ends the download with a zero-length DNLOAD and follows manifestation (protocols.md §3):
 * dfuMANIFEST-SYNC → dfuMANIFEST (wait bwPollTimeout) → dfuIDLE when tolerant, else
 * dfuMANIFEST-WAIT-RESET. A device that is not tolerant may stop answering once it manifests; losing
 * it then is the expected end, not a failure.
 */
export async function manifestFirmware(
  client: DfuInterfaceClient,
  blockNumber: number,
  isManifestationTolerant: boolean,
  limits: PollLimits,
  logger: Logger,
  signal?: AbortSignal,
): Promise<DfuEndState> {
  await client.download(blockNumber, new Uint8Array(0), signal);
  try {
    const report = await pollWhileBusy(
      client,
      [DfuState.dfuMANIFEST_SYNC, DfuState.dfuMANIFEST],
      limits,
      signal,
    );
    const expected = isManifestationTolerant ? DfuState.dfuIDLE : DfuState.dfuMANIFEST_WAIT_RESET;
    expectState(report, [expected], 'manifestation');
    return isManifestationTolerant ? 'dfu-idle' : 'waiting-for-reset';
  } catch (error: unknown) {
    const isGone =
      error instanceof AppError &&
      (error.code === 'TRANSPORT_CLOSED' || error.code === 'NOT_FOUND' || error.code === 'TIMEOUT');
    if (isManifestationTolerant || !isGone || signal?.aborted === true) throw error;
    logger.info(
      { reason: error.code },
      'DFU device left the bus while manifesting; it is rebooting into the new firmware',
    );
    return 'left-the-bus';
  }
}
