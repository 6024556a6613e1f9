import { toAppError } from '../../../shared/errors';
import { systemClock, type Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import type { SerialPortInfo, SerialPorts } from '../ports/serial-port';
import type { DeviceRegistry } from './device-registry';
import { probeSerialPort, type SerialProbeOptions, type SerialProbeOutcome } from './serial-port-probe';
import { SerialPortStates, type SerialPortState, type SerialPortStatus } from './serial-port-states';

export interface SerialDiscoveryOptions {
  /** How often the port list is compared with the last one; quality.md allows 500 ms to list a device. */
  pollIntervalMs?: number;
  /** Ports probed at once; a silent port holds one slot for its timeouts, never the others. */
  maxConcurrentProbes?: number;
  /** First wait before an unidentified port is probed again; it doubles up to `maxRetryDelayMs`. */
  firstRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  probe?: SerialProbeOptions;
  clock?: Clock;
}

type SightingSink = Pick<DeviceRegistry, 'report' | 'lost'>;

/**
 * Serial discovery: polls the port list, probes each new port with SMP (serial-port-probe.ts), and
 * reports what answered to the registry, which merges it with USB and network sightings. A port that
 * answers garbage or nothing is marked unidentified with a logged reason and probed again with
 * exponential backoff; a port that leaves the list is reported lost (the registry's grace period
 * absorbs a replug). Identified ports are not probed again while they stay listed: probing would steal
 * the port from a job, and a re-enumerating device shows up as a new port anyway.
 */
export class SerialDiscovery {
  readonly #ports: SerialPorts;
  readonly #registry: SightingSink;
  readonly #logger: Logger;
  readonly #options: Required<Omit<SerialDiscoveryOptions, 'probe' | 'clock'>> & {
    probe: SerialProbeOptions;
  };
  readonly #states: SerialPortStates;
  readonly #probes = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<void> | undefined;
  #isStopped = false;
  #lastListError: string | null = null;

  constructor(
    ports: SerialPorts,
    registry: SightingSink,
    logger: Logger,
    options: SerialDiscoveryOptions = {},
  ) {
    this.#ports = ports;
    this.#registry = registry;
    this.#logger = logger;
    this.#options = {
      pollIntervalMs: options.pollIntervalMs ?? 250,
      maxConcurrentProbes: options.maxConcurrentProbes ?? 4,
      firstRetryDelayMs: options.firstRetryDelayMs ?? 1_000,
      maxRetryDelayMs: options.maxRetryDelayMs ?? 30_000,
      probe: options.probe ?? {},
    };
    this.#states = new SerialPortStates(
      options.clock ?? systemClock,
      this.#options.firstRetryDelayMs,
      this.#options.maxRetryDelayMs,
    );
  }

  /** Starts polling now; the first look happens at once so a device already plugged in is found quickly. */
  start(): void {
    if (this.#isStopped || this.#polling !== undefined || this.#timer !== undefined) return;
    this.#pollThenWait();
  }

  /** What discovery knows about each listed port, for diagnostics and tests. */
  status(): SerialPortStatus[] {
    return this.#states.list();
  }

  /** Stops polling, cancels probes and waits until every port they opened is closed again. */
  async stop(): Promise<void> {
    this.#isStopped = true;
    clearTimeout(this.#timer);
    await this.#polling;
    for (const state of this.#states.removeAll()) this.#forget(state);
    await Promise.allSettled([...this.#probes]);
  }

  #pollThenWait(): void {
    this.#timer = undefined;
    const startedAt = performance.now();
    this.#polling = this.#poll().finally(() => {
      this.#polling = undefined;
      if (this.#isStopped) return;
      // Start to start, so a slow listing does not stretch the interval (and the latency) further.
      const waitMs = Math.max(0, this.#options.pollIntervalMs - (performance.now() - startedAt));
      this.#timer = setTimeout(() => this.#pollThenWait(), waitMs);
      // Discovery alone must not keep a CLI process alive.
      this.#timer.unref();
    });
  }

  async #poll(): Promise<void> {
    let listed: SerialPortInfo[];
    try {
      listed = await this.#ports.list();
      this.#lastListError = null;
    } catch (error: unknown) {
      const message = toAppError(error).message;
      if (message !== this.#lastListError)
        this.#logger.warn({ err: error }, 'could not list serial ports; keeping the last known ones');
      this.#lastListError = message;
      return;
    }
    if (this.#isStopped) return;
    for (const state of this.#states.removeAllExcept(new Set(listed.map((port) => port.path)))) {
      this.#logger.info({ path: state.info.path, deviceId: state.deviceId }, 'serial port gone');
      this.#forget(state);
    }
    for (const info of listed)
      if (this.#states.add(info)) this.#logger.debug({ path: info.path }, 'new serial port');
    this.#states.requeueDueRetries();
    this.#startProbes();
  }

  #startProbes(): void {
    while (!this.#isStopped && this.#probes.size < this.#options.maxConcurrentProbes) {
      const state = this.#states.nextQueued();
      if (state === undefined) return;
      const controller = new AbortController();
      this.#states.markProbing(state, controller);
      const probe = probeSerialPort(this.#ports, state.info, this.#options.probe, controller.signal)
        .then((outcome) => this.#settle(state, outcome))
        .catch((error: unknown) =>
          this.#logger.error({ err: error, path: state.info.path }, 'serial probe failed unexpectedly'),
        )
        .finally(() => {
          this.#probes.delete(probe);
          this.#startProbes();
        });
      this.#probes.add(probe);
    }
  }

  #settle(state: SerialPortState, outcome: SerialProbeOutcome): void {
    // The port left the list (or discovery stopped) while it was probed: nothing to report.
    if (!this.#states.isCurrent(state)) return;
    const path = state.info.path;
    if (outcome.kind === 'answered') {
      const deviceId = this.#registry.report(outcome.report);
      this.#states.markAnswered(state, deviceId);
      const fields = { path, deviceId, attempt: state.attempts, skipped: outcome.findings.skippedSteps };
      if (deviceId === null)
        this.#logger.warn(
          fields,
          'SMP device without identity (no identity group, no USB serial number); not listed',
        );
      else this.#logger.info(fields, 'serial device identified');
      return;
    }
    const isNewReason = reasonKind(state.reason) !== reasonKind(outcome.reason);
    const retryInMs = this.#states.markUnidentified(state, outcome.reason);
    const fields = { path, reason: outcome.reason, attempt: state.attempts, retryInMs };
    // The first failure, or a new kind of failure, is news; the same one again on backoff is not.
    if (isNewReason) this.#logger.warn(fields, 'serial port unidentified');
    else this.#logger.debug(fields, 'serial port still unidentified');
  }

  #forget(state: SerialPortState): void {
    state.probe?.abort();
    if (state.isReported) this.#registry.lost('serial', state.info.path);
  }
}

export type { SerialPortStatus };

/** `silent`, `not SMP`, `cannot open`…: the part of a reason before the details that vary per try. */
function reasonKind(reason: string | null): string | null {
  return reason?.split(':')[0] ?? null;
}
