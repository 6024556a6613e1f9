import { AppError, toAppError } from '../../../shared/errors';
import { readDeviceIdentity } from '../drivers/smp/identity-commands';
import { readImageState } from '../drivers/smp/image-commands';
import { echo, readMcumgrParams, readOsInfo } from '../drivers/smp/os-commands';
import type { SmpClient } from '../drivers/smp/smp-client';

/** What the identity group (protocols.md §7, group 64 "read identity") says about a device. */
export interface SmpIdentity {
  /** The chip's unique id as hex. */
  hardwareId: string;
  serial: string;
  model?: string;
}

/** Reads the identity over SMP; rejects with DEVICE_REJECTED when the device has no identity group. */
export type SmpIdentityReader = (client: SmpClient, signal?: AbortSignal) => Promise<SmpIdentity>;

export interface SmpProbeOptions {
  /** How often a request that got no answer is sent again; 1 by default (so two tries). */
  retries?: number;
  /** The identity read; group 64 by default, `null` to skip it (then no hardware id or serial over SMP). */
  readIdentity?: SmpIdentityReader | null;
}

/** The Fieldline identity group's read identity (protocols.md §7), with the hardware id as lower-case hex. */
export const readSmpIdentity: SmpIdentityReader = async (client, signal) => {
  const identity = await readDeviceIdentity(client, signal);
  const hardwareId = [...identity.hardwareId].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return { hardwareId, serial: identity.serialNumber, model: identity.model };
};

/** What a device told the probe; fields it would not give are absent. */
export interface SmpProbeFindings {
  hardwareId?: string;
  serial?: string;
  model?: string;
  firmwareVersion?: string;
  bufSizeBytes?: number;
  /** Steps the device refused or answered malformed, e.g. `identity: … NOTSUP`, for the log. */
  skippedSteps: string[];
}

/** The text sent in the echo; the device must send it back unchanged. */
const ECHO_TEXT = 'fieldline-probe';

/**
 * Finds out whether an SMP device answers and who it is (protocols.md §1 OS group, §7 identity):
 * echo first (any SMP answer, even a refusal, proves the link speaks SMP), then identity, mcumgr params,
 * image state (the running image's version) and, when nothing named the model, OS info `i` (the board).
 * A step the device refuses or answers malformed is skipped and noted; a step that gets no answer after
 * the retries ends the probe with DEVICE_NOT_RESPONDING naming the step, because a device that stops
 * answering mid-probe cannot be trusted with the rest. The caller's client sets the per-request timeout.
 */
export async function probeSmpDevice(
  client: SmpClient,
  options: SmpProbeOptions,
  signal?: AbortSignal,
): Promise<SmpProbeFindings> {
  const retries = options.retries ?? 1;
  const findings: SmpProbeFindings = { skippedSteps: [] };
  const step = async <T>(name: string, run: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await withRetries(name, retries, run);
    } catch (error: unknown) {
      const appError = toAppError(error);
      if (appError.code !== 'DEVICE_REJECTED' && appError.code !== 'DEVICE_PROTOCOL') throw appError;
      findings.skippedSteps.push(`${name}: ${appError.message}`);
      return undefined;
    }
  };

  const echoed = await step('echo', () => echo(client, ECHO_TEXT, signal));
  if (echoed !== undefined && echoed !== ECHO_TEXT) {
    throw new AppError('DEVICE_PROTOCOL', `SMP echo came back as "${echoed.slice(0, 32)}"`, {
      details: { step: 'echo' },
    });
  }
  const read = options.readIdentity === undefined ? readSmpIdentity : options.readIdentity;
  if (read !== null) {
    const identity = await step('identity', () => read(client, signal));
    if (identity !== undefined) {
      findings.hardwareId = identity.hardwareId;
      findings.serial = identity.serial;
      if (identity.model !== undefined && identity.model.trim() !== '')
        findings.model = identity.model.trim();
    }
  }
  const params = await step('mcumgr params', () => readMcumgrParams(client, signal));
  if (params !== undefined) findings.bufSizeBytes = params.bufSizeBytes;
  const slots = await step('image state', () => readImageState(client, signal));
  const running = slots?.find((slot) => slot.isActive) ?? slots?.find((slot) => slot.slot === 0);
  if (running !== undefined) findings.firmwareVersion = running.version;
  if (findings.model === undefined) {
    // OS info `i` is the hardware platform (Zephyr's board name): the best model name short of identity.
    const board = await step('os info', () => readOsInfo(client, 'i', signal));
    if (board !== undefined && board.trim() !== '') findings.model = board.trim();
  }
  return findings;
}

/** Runs `run` again after a DEVICE_NOT_RESPONDING, up to `retries` times; names the step in the final error. */
async function withRetries<T>(name: string, retries: number, run: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await run();
    } catch (error: unknown) {
      const appError = toAppError(error);
      if (appError.code !== 'DEVICE_NOT_RESPONDING') throw withStep(appError, name);
      if (attempt >= retries) {
        throw new AppError('DEVICE_NOT_RESPONDING', `no answer to SMP ${name} (${attempt + 1} tries)`, {
          cause: appError,
          details: { step: name, tries: attempt + 1 },
        });
      }
    }
  }
}

function withStep(error: AppError, step: string): AppError {
  if (error.code === 'DEVICE_REJECTED' || error.code === 'DEVICE_PROTOCOL') return error;
  return new AppError(error.code, `${error.message} (during SMP ${step})`, {
    cause: error,
    details: { ...error.details, step },
  });
}
