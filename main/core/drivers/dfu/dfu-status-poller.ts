import { AppError } from '../../../../shared/errors';
import { waitMs } from './abortable-wait';
import type { DfuInterfaceClient } from './dfu-interface-client';
import { dfuStateName, DfuState, type DfuStateValue } from './dfu-protocol';
import { describeDfuStatus, type DfuStatusReport } from './dfu-status';

export interface PollLimits {
  /** Give up with TIMEOUT once the device has asked for this much waiting in total. */
  maxBusyMs: number;
  /** Give up with DEVICE_NOT_RESPONDING after this many polls that found it busy (a device answering 0 ms forever). */
  maxBusyPolls: number;
}

export const DEFAULT_POLL_LIMITS: PollLimits = { maxBusyMs: 60_000, maxBusyPolls: 100_000 };

/**
 * Asks GETSTATUS until the device leaves `busyStates`, sleeping the device's bwPollTimeout between
 * asks (protocols.md §3: "wait bwPollTimeout, ask again"); never earlier, never longer. Returns the
 * first report in another state; dfuERROR is returned too, for the caller to recover from.
 */
export async function pollWhileBusy(
  client: DfuInterfaceClient,
  busyStates: readonly DfuStateValue[],
  limits: PollLimits,
  signal?: AbortSignal,
): Promise<DfuStatusReport> {
  let waitedMs = 0;
  for (let polls = 0; ; polls += 1) {
    const report = await client.getStatus(signal);
    if (!busyStates.includes(report.state)) return report;
    if (polls >= limits.maxBusyPolls) {
      throw new AppError(
        'DEVICE_NOT_RESPONDING',
        `device stayed in ${dfuStateName(report.state)} for ${polls} polls`,
        { details: { state: report.state, polls } },
      );
    }
    waitedMs += report.pollTimeoutMs;
    if (waitedMs > limits.maxBusyMs) {
      throw new AppError(
        'TIMEOUT',
        `device stayed in ${dfuStateName(report.state)} for more than ${limits.maxBusyMs} ms`,
        { details: { state: report.state, waitedMs } },
      );
    }
    await waitMs(report.pollTimeoutMs, signal);
  }
}

/** Fails with DEVICE_REJECTED (naming bStatus and bState) unless the report is in one of `expected`. */
export function expectState(
  report: DfuStatusReport,
  expected: readonly DfuStateValue[],
  during: string,
): void {
  if (expected.includes(report.state)) return;
  const code = report.state === DfuState.dfuERROR ? 'DEVICE_REJECTED' : 'DEVICE_PROTOCOL';
  throw new AppError(code, `${during}: device reports ${describeDfuStatus(report)}`, {
    details: { status: report.status, state: report.state, expected: expected.map(dfuStateName) },
  });
}
