import { AppError } from '../../../../shared/errors';
import {
  dfuStateName,
  dfuStatusName,
  isDfuState,
  isDfuStatus,
  type DfuStateValue,
  type DfuStatusValue,
} from './dfu-protocol';

/** The 6-byte DFU_GETSTATUS reply (protocols.md §3): bStatus, bwPollTimeout (3 bytes LE), bState, iString. */
export interface DfuStatusReport {
  status: DfuStatusValue;
  /** How long the host must wait before the next GETSTATUS. */
  pollTimeoutMs: number;
  state: DfuStateValue;
  /** Index of a string descriptor describing the status, 0 for none. */
  stringIndex: number;
}

export const DFU_STATUS_LENGTH = 6;
/** bwPollTimeout is 24 bits. */
export const MAX_POLL_TIMEOUT_MS = 0xff_ffff;

/** Decodes a GETSTATUS reply; anything but exactly 6 bytes with a known status and state is DEVICE_PROTOCOL. */
export function decodeDfuStatus(bytes: Uint8Array): DfuStatusReport {
  if (bytes.length !== DFU_STATUS_LENGTH) {
    throw new AppError(
      'DEVICE_PROTOCOL',
      `DFU GETSTATUS reply has ${bytes.length} bytes, expected ${DFU_STATUS_LENGTH}`,
      {
        details: { lengthBytes: bytes.length },
      },
    );
  }
  const status = bytes[0] ?? 0;
  const pollTimeoutMs = (bytes[1] ?? 0) | ((bytes[2] ?? 0) << 8) | ((bytes[3] ?? 0) << 16);
  const state = bytes[4] ?? 0;
  const stringIndex = bytes[5] ?? 0;
  if (!isDfuStatus(status)) {
    throw new AppError('DEVICE_PROTOCOL', `DFU GETSTATUS reply has unknown bStatus ${status}`, {
      details: { status },
    });
  }
  if (!isDfuState(state)) {
    throw new AppError('DEVICE_PROTOCOL', `DFU GETSTATUS reply has unknown bState ${state}`, {
      details: { state },
    });
  }
  return { status, pollTimeoutMs, state, stringIndex };
}

export function encodeDfuStatus(report: DfuStatusReport): Uint8Array {
  if (
    !Number.isInteger(report.pollTimeoutMs) ||
    report.pollTimeoutMs < 0 ||
    report.pollTimeoutMs > MAX_POLL_TIMEOUT_MS
  ) {
    throw new AppError('INVALID_INPUT', `bwPollTimeout ${report.pollTimeoutMs} does not fit in 24 bits`);
  }
  const poll = report.pollTimeoutMs;
  return Uint8Array.of(
    report.status,
    poll & 0xff,
    (poll >> 8) & 0xff,
    (poll >> 16) & 0xff,
    report.state,
    report.stringIndex & 0xff,
  );
}

/** Decodes the 1-byte DFU_GETSTATE reply. */
export function decodeDfuState(bytes: Uint8Array): DfuStateValue {
  const state = bytes[0];
  if (bytes.length !== 1 || state === undefined || !isDfuState(state)) {
    throw new AppError(
      'DEVICE_PROTOCOL',
      `DFU GETSTATE reply is not one known state byte (${bytes.length} bytes)`,
      {
        details: { lengthBytes: bytes.length, state },
      },
    );
  }
  return state;
}

/** "errWRITE in dfuERROR", for messages and logs. */
export function describeDfuStatus(report: Pick<DfuStatusReport, 'status' | 'state'>): string {
  return `${dfuStatusName(report.status)} in ${dfuStateName(report.state)}`;
}
