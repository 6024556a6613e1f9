import { setTimeout as sleep } from 'node:timers/promises';
import { AppError, toAppError } from '../../../../shared/errors';
import { silentLogger, type Logger } from '../../ports/logger';
import { abortReason } from './abort-reason';
import { readDeviceIdentity } from './identity-commands';
import { echo, readMcumgrParams, type McumgrParams } from './os-commands';
import { SmpClient } from './smp-client';
import {
  describeSmpEndpoint,
  openSmpLink,
  type SmpEndpoint,
  type SmpLink,
  type SmpLinkPorts,
} from './smp-flasher-link';

/** Who the device says it is (identity group 64, protocols.md §7); hardware id as lower-case hex. */
export interface SmpFlashIdentity {
  hardwareId: string;
  serial: string;
  model: string;
}

export interface SmpFlashSessionOptions {
  ports: SmpLinkPorts;
  /** Where the device is when the flash starts. */
  endpoint: SmpEndpoint;
  /**
   * The hardware id (lower-case hex) the job is for. A different device at the endpoint is refused with
   * DEVICE_MISMATCH; null accepts whoever answers first and then holds on to that identity.
   */
  expectedHardwareId: string | null;
  /** Other places the device may be found after a reset or an unplug (discovery's sightings, any transport). */
  locate?: (signal?: AbortSignal) => Promise<SmpEndpoint[]>;
  /** How long one request waits; a 2 KiB chunk at 115200 baud takes about 0.25 s on the line. */
  requestTimeoutMs?: number;
  /** How long a reset or unplugged device may take to be found again. */
  reappearTimeoutMs?: number;
  /** How long the first connection keeps trying a busy or absent port (default 5 s). */
  connectTimeoutMs?: number;
  pollIntervalMs?: number;
  logger?: Logger;
}

const PROBE_TIMEOUT_MS = 600;
const TRANSIENT_CODES = new Set([
  'TRANSPORT_CLOSED',
  'NOT_FOUND',
  'DEVICE_NOT_RESPONDING',
  'PORT_UNAVAILABLE',
]);
const PROBE_TRIES = 3;

/**
 * The flasher's hold on one device: an open link, an SMP client sized to the device's buffers
 * (`buf_count − 1` requests in flight, protocols.md §1), and the device's identity. When the link is
 * lost (reset, unplug, re-enumeration) `reconnect` looks for the same device again, by identity, at
 * the last endpoint and wherever `locate` says it is now, on any transport.
 */
export class SmpFlashSession {
  readonly #options: SmpFlashSessionOptions;
  readonly #logger: Logger;
  readonly #transportsUsed = new Set<string>();
  #link: SmpLink | undefined;
  #lastEndpoint: SmpEndpoint;
  #client: SmpClient | undefined;
  #identity: SmpFlashIdentity | null = null;
  #params: McumgrParams | undefined;
  #reconnects = 0;

  constructor(options: SmpFlashSessionOptions) {
    this.#options = options;
    this.#lastEndpoint = options.endpoint;
    this.#logger = options.logger ?? silentLogger;
  }

  get client(): SmpClient {
    if (!this.#client) throw new AppError('INTERNAL', 'SMP flash session used before it connected');
    return this.#client;
  }

  /** The device's identity, or null when it has no identity group. */
  get identity(): SmpFlashIdentity | null {
    return this.#identity;
  }

  get params(): McumgrParams {
    if (!this.#params) throw new AppError('INTERNAL', 'SMP flash session used before it connected');
    return this.#params;
  }

  /** Where the device was reached last. */
  get endpoint(): SmpEndpoint {
    return this.#lastEndpoint;
  }

  /** Every transport the device was reached over during this session, e.g. `serial:/dev/ttyACM0`. */
  get transportsUsed(): string[] {
    return [...this.#transportsUsed];
  }

  get reconnects(): number {
    return this.#reconnects;
  }

  /**
   * Connects at the starting endpoint. A port that is busy for a moment (discovery probing it, the
   * previous owner still closing it) or not there yet is tried again for `connectTimeoutMs`; a
   * different device (DEVICE_MISMATCH) fails at once.
   */
  async connect(signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + (this.#options.connectTimeoutMs ?? 5_000);
    for (;;) {
      const outcome = await this.#attach(this.#options.endpoint, signal);
      if (outcome.kind === 'attached') return;
      if (!TRANSIENT_CODES.has(outcome.error.code) || Date.now() >= deadline) throw outcome.error;
      await sleep(this.#options.pollIntervalMs ?? 200, undefined, { signal }).catch(() => undefined);
      if (signal?.aborted) throw abortReason(signal);
    }
  }

  /**
   * Lets go of the current link and finds the device again, by identity, wherever it shows up within
   * `reappearTimeoutMs`. DEVICE_NOT_RESPONDING (naming `why`) when it does not come back.
   */
  async reconnect(why: string, signal?: AbortSignal): Promise<void> {
    await this.#detach();
    this.#reconnects += 1;
    const deadline = Date.now() + (this.#options.reappearTimeoutMs ?? 30_000);
    let lastReason = 'not looked for yet';
    for (;;) {
      if (signal?.aborted) throw abortReason(signal);
      for (const endpoint of await this.#candidates(signal)) {
        const outcome = await this.#attach(endpoint, signal);
        if (outcome.kind === 'attached') {
          this.#logger.info({ endpoint: describeSmpEndpoint(endpoint), why }, 'device found again');
          return;
        }
        lastReason = `${describeSmpEndpoint(endpoint)}: ${outcome.error.message}`;
      }
      if (Date.now() >= deadline) {
        throw new AppError(
          'DEVICE_NOT_RESPONDING',
          `The device did not come back after ${why} (last try ${lastReason})`,
          { details: { why, lastReason } },
        );
      }
      await sleep(this.#options.pollIntervalMs ?? 200, undefined, { signal }).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.#detach();
  }

  async #candidates(signal?: AbortSignal): Promise<SmpEndpoint[]> {
    const located = await (this.#options.locate?.(signal) ?? Promise.resolve([])).catch((error: unknown) => {
      this.#logger.warn({ err: toAppError(error).message }, 'locating the device failed');
      return [];
    });
    const all = [this.endpoint, this.#options.endpoint, ...located];
    const seen = new Set<string>();
    return all.filter((endpoint) => {
      const key = describeSmpEndpoint(endpoint);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  async #attach(
    endpoint: SmpEndpoint,
    signal?: AbortSignal,
  ): Promise<{ kind: 'attached' } | { kind: 'refused'; error: AppError }> {
    let link: SmpLink;
    try {
      link = await openSmpLink(this.#options.ports, endpoint, signal);
    } catch (error: unknown) {
      return { kind: 'refused', error: toAppError(error, 'TRANSPORT_CLOSED') };
    }
    const probe = new SmpClient(link.transport, { timeoutMs: PROBE_TIMEOUT_MS, logger: this.#logger });
    try {
      const identity = await this.#introduce(probe, signal);
      const expected = this.#identity?.hardwareId ?? this.#options.expectedHardwareId;
      if (expected !== null && identity !== null && identity.hardwareId !== expected) {
        throw new AppError(
          'DEVICE_MISMATCH',
          `${describeSmpEndpoint(endpoint)} answers as hardware id ${identity.hardwareId}, not ${expected}`,
          { details: { expected, found: identity.hardwareId } },
        );
      }
      if (expected !== null && identity === null) {
        throw new AppError('DEVICE_MISMATCH', `${describeSmpEndpoint(endpoint)} does not tell its identity`);
      }
      const params = await readMcumgrParams(probe, signal);
      probe.dispose();
      this.#identity = identity;
      this.#params = params;
      this.#link = link;
      this.#lastEndpoint = endpoint;
      this.#client = new SmpClient(link.transport, {
        timeoutMs: this.#options.requestTimeoutMs ?? 3_000,
        maxInFlight: Math.max(1, params.bufCount - 1),
        logger: this.#logger,
      });
      this.#transportsUsed.add(describeSmpEndpoint(endpoint));
      return { kind: 'attached' };
    } catch (error: unknown) {
      probe.dispose();
      await link.close().catch(() => undefined);
      if (signal?.aborted) throw abortReason(signal);
      return { kind: 'refused', error: toAppError(error) };
    }
  }

  /**
   * Echo first (it also gets past a boot banner on a console), then identity; NOTSUP identity is null.
   * Any SMP answer to the echo, even a refusal, proves the link: whether the firmware answers echo
   * properly is the flasher's health check, not a reason to lose the device.
   */
  async #introduce(client: SmpClient, signal?: AbortSignal): Promise<SmpFlashIdentity | null> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await echo(client, 'fieldline-flash', signal);
        break;
      } catch (error: unknown) {
        const appError = toAppError(error);
        if (appError.code === 'DEVICE_REJECTED' || appError.code === 'DEVICE_PROTOCOL') break;
        if (appError.code !== 'DEVICE_NOT_RESPONDING' || attempt >= PROBE_TRIES) throw appError;
      }
    }
    try {
      const identity = await readDeviceIdentity(client, signal);
      return {
        hardwareId: Buffer.from(identity.hardwareId).toString('hex'),
        serial: identity.serialNumber,
        model: identity.model,
      };
    } catch (error: unknown) {
      const appError = toAppError(error);
      if (appError.code === 'DEVICE_REJECTED') return null;
      throw appError;
    }
  }

  async #detach(): Promise<void> {
    this.#client?.dispose();
    this.#client = undefined;
    const link = this.#link;
    this.#link = undefined;
    await link
      ?.close()
      .catch((error: unknown) =>
        this.#logger.debug({ err: toAppError(error).message }, 'closing a lost link failed'),
      );
  }
}
