import type { LineCounters, ParetoBar } from '../../../shared/contract/line';
import {
  doneKey,
  LINE_EVENTS,
  readPayload,
  type ConfiguredPayload,
  type LineLedgerEvent,
  type RunFailedPayload,
  type RunStartedPayload,
} from './line-records';

const HOUR_MS = 3_600_000;
/** Below this much history the hourly rate is not extrapolated from (a single pass would read as thousands/h). */
const MIN_RATE_WINDOW_MS = 60_000;

export interface CanaryTally {
  workKey: string | null;
  count: number;
  done: number;
  isApproved: boolean;
  evidence: { deviceId: string; port: string; code: string; reason: string; step: string } | null;
}

/**
 * Everything the line derives from its ledger events: counters and Pareto since the last reset, the
 * canary of the current work, which devices already passed it (the replug rule) and runs that never
 * ended. Built by folding every `line.*` event in ledger order, so it survives a restart.
 */
export class LineTally {
  #sinceMs: number | null = null;
  #passed = 0;
  #failed = 0;
  readonly #firstOutcome = new Map<string, 'pass' | 'fail'>();
  #passTimes: number[] = [];
  readonly #byReason = new Map<string, number>();
  readonly #byPort = new Map<string, number>();
  readonly #passedDevices = new Set<string>();
  readonly #openRuns = new Map<string, { deviceId: string; payload: RunStartedPayload; atMs: number }>();
  #canary: CanaryTally = { workKey: null, count: 3, done: 0, isApproved: false, evidence: null };

  apply(event: LineLedgerEvent): void {
    switch (event.type) {
      case LINE_EVENTS.configured:
        return this.#configured(event);
      case LINE_EVENTS.runStarted:
        return this.#runStarted(event);
      case LINE_EVENTS.runPassed:
      case LINE_EVENTS.runFailed:
        return this.#runEnded(event);
      case LINE_EVENTS.canaryApproved:
        this.#canary = { ...this.#canary, isApproved: true };
        return;
      case LINE_EVENTS.resumed:
        this.#canary = { ...this.#canary, done: 0, isApproved: false, evidence: null };
        return;
      case LINE_EVENTS.countersReset:
        return this.#reset(event.atMs);
    }
  }

  canary(): CanaryTally {
    return { ...this.#canary };
  }

  hasPassed(workKey: string, hardwareId: string | null, deviceId: string): boolean {
    return this.#passedDevices.has(doneKey(workKey, hardwareId, deviceId));
  }

  /** Runs started and never ended (the station stopped mid-run). */
  openRuns(): { deviceId: string; payload: RunStartedPayload; atMs: number }[] {
    return [...this.#openRuns.values()];
  }

  counters(nowMs: number): LineCounters {
    const devicesRun = this.#firstOutcome.size;
    const firstPasses = [...this.#firstOutcome.values()].filter((outcome) => outcome === 'pass').length;
    return {
      passed: this.#passed,
      failed: this.#failed,
      devicesRun,
      firstPassYield: devicesRun === 0 ? null : firstPasses / devicesRun,
      devicesPerHour: this.#devicesPerHour(nowMs),
      since: this.#sinceMs === null ? null : new Date(this.#sinceMs).toISOString(),
      paretoByReason: pareto(this.#byReason),
      paretoByPort: pareto(this.#byPort),
    };
  }

  #devicesPerHour(nowMs: number): number {
    if (this.#sinceMs === null) return 0;
    const windowStart = Math.max(nowMs - HOUR_MS, this.#sinceMs);
    this.#passTimes = this.#passTimes.filter((atMs) => atMs > nowMs - HOUR_MS);
    const passes = this.#passTimes.filter((atMs) => atMs >= windowStart).length;
    const elapsedMs = Math.max(nowMs - windowStart, MIN_RATE_WINDOW_MS);
    return Math.round((passes * HOUR_MS) / elapsedMs * 10) / 10;
  }

  #configured(event: LineLedgerEvent): void {
    const payload = readPayload<ConfiguredPayload>(event.payload, ['work', 'canaryCount']);
    if (payload === null) return;
    const workKey = payload.work?.key ?? null;
    if (workKey !== this.#canary.workKey) {
      this.#canary = { workKey, count: payload.canaryCount, done: 0, isApproved: false, evidence: null };
    } else {
      this.#canary = { ...this.#canary, count: payload.canaryCount };
    }
  }

  #runStarted(event: LineLedgerEvent): void {
    const payload = readPayload<RunStartedPayload>(event.payload, ['runId', 'port', 'workKey']);
    if (payload === null || event.deviceId === null) return;
    this.#openRuns.set(payload.runId, { deviceId: event.deviceId, payload, atMs: event.atMs });
    this.#sinceMs ??= event.atMs;
  }

  #runEnded(event: LineLedgerEvent): void {
    const payload = readPayload<RunFailedPayload>(event.payload, ['runId', 'port', 'workKey']);
    if (payload === null || event.deviceId === null) return;
    this.#openRuns.delete(payload.runId);
    const isPass = event.type === LINE_EVENTS.runPassed;
    const identity = payload.hardwareId ?? event.deviceId;
    if (!this.#firstOutcome.has(identity)) this.#firstOutcome.set(identity, isPass ? 'pass' : 'fail');
    if (isPass) {
      this.#passed += 1;
      this.#passTimes.push(event.atMs);
      this.#passedDevices.add(doneKey(payload.workKey, payload.hardwareId, event.deviceId));
    } else {
      this.#failed += 1;
      increment(this.#byReason, payload.code ?? 'UNKNOWN');
      increment(this.#byPort, payload.port);
    }
    if (payload.isCanary && payload.workKey === this.#canary.workKey && this.#canary.evidence === null) {
      const evidence = isPass
        ? null
        : { deviceId: event.deviceId, port: payload.port, code: payload.code, reason: payload.reason, step: payload.step };
      this.#canary = { ...this.#canary, done: this.#canary.done + 1, evidence };
    }
  }

  #reset(atMs: number): void {
    this.#sinceMs = atMs;
    this.#passed = 0;
    this.#failed = 0;
    this.#firstOutcome.clear();
    this.#passTimes = [];
    this.#byReason.clear();
    this.#byPort.clear();
  }
}

function increment(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Largest first; ties by name so the chart does not shuffle. */
function pareto(map: Map<string, number>): ParetoBar[] {
  return [...map].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}
