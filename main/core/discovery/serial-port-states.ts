import type { Clock } from '../ports/clock';
import type { SerialPortInfo } from '../ports/serial-port';

/** Where discovery stands with one listed port. */
export type SerialPortPhase = 'queued' | 'probing' | 'identified' | 'anonymous' | 'unidentified';

/** A snapshot for diagnostics: `reason` says why an unidentified port is skipped. */
export interface SerialPortStatus {
  path: string;
  phase: SerialPortPhase;
  attempts: number;
  deviceId: string | null;
  reason: string | null;
}

/** Mutable bookkeeping of one port; owned by SerialPortStates. */
export interface SerialPortState {
  info: SerialPortInfo;
  phase: SerialPortPhase;
  attempts: number;
  deviceId: string | null;
  reason: string | null;
  /** The registry holds a sighting for this path, so leaving the list must be reported. */
  isReported: boolean;
  retryAtMs: number;
  probe: AbortController | undefined;
}

/**
 * The per-port state machine of serial discovery: queued → probing → identified | anonymous |
 * unidentified (→ queued again after a doubling backoff). Kept apart so the discovery loop reads as
 * polling and probing only.
 */
export class SerialPortStates {
  readonly #byPath = new Map<string, SerialPortState>();
  readonly #queue: SerialPortState[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly firstRetryDelayMs: number,
    private readonly maxRetryDelayMs: number,
  ) {}

  /** Adds a newly listed port to the probe queue; false if it is already known. */
  add(info: SerialPortInfo): boolean {
    if (this.#byPath.has(info.path)) return false;
    const state: SerialPortState = {
      info,
      phase: 'queued',
      attempts: 0,
      deviceId: null,
      reason: null,
      isReported: false,
      retryAtMs: 0,
      probe: undefined,
    };
    this.#byPath.set(info.path, state);
    this.#queue.push(state);
    return true;
  }

  /** Removes every port not in `present` and returns them. */
  removeAllExcept(present: ReadonlySet<string>): SerialPortState[] {
    return [...this.#byPath.values()].filter((state) => !present.has(state.info.path) && this.#remove(state));
  }

  removeAll(): SerialPortState[] {
    return [...this.#byPath.values()].filter((state) => this.#remove(state));
  }

  isCurrent(state: SerialPortState): boolean {
    return this.#byPath.get(state.info.path) === state;
  }

  requeueDueRetries(): void {
    const now = this.clock.nowMs();
    for (const state of this.#byPath.values()) {
      if (state.phase === 'unidentified' && now >= state.retryAtMs) {
        state.phase = 'queued';
        this.#queue.push(state);
      }
    }
  }

  nextQueued(): SerialPortState | undefined {
    for (let state = this.#queue.shift(); state !== undefined; state = this.#queue.shift()) {
      if (this.isCurrent(state) && state.phase === 'queued') return state;
    }
    return undefined;
  }

  markProbing(state: SerialPortState, probe: AbortController): void {
    state.phase = 'probing';
    state.attempts += 1;
    state.probe = probe;
  }

  markAnswered(state: SerialPortState, deviceId: string | null): void {
    state.phase = deviceId === null ? 'anonymous' : 'identified';
    state.deviceId = deviceId;
    state.reason = null;
    state.isReported = true;
    state.probe = undefined;
  }

  /** Records why the port is skipped and returns the wait before the next probe. */
  markUnidentified(state: SerialPortState, reason: string): number {
    const failures = state.attempts;
    const delayMs = Math.min(this.maxRetryDelayMs, this.firstRetryDelayMs * 2 ** Math.min(failures - 1, 20));
    state.phase = 'unidentified';
    state.reason = reason;
    state.retryAtMs = this.clock.nowMs() + delayMs;
    state.probe = undefined;
    return delayMs;
  }

  list(): SerialPortStatus[] {
    return [...this.#byPath.values()].map(({ info, phase, attempts, deviceId, reason }) => ({
      path: info.path,
      phase,
      attempts,
      deviceId,
      reason,
    }));
  }

  #remove(state: SerialPortState): boolean {
    return this.#byPath.delete(state.info.path);
  }
}
