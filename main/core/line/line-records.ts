import type { JsonValue } from '../../../shared/contract';
import type { LockedWork } from '../../../shared/contract/line';

/** The ledger event types of the line (main/core/line/README.md lists their payloads). */
export const LINE_EVENTS = {
  sessionStarted: 'line.session-started',
  sessionEnded: 'line.session-ended',
  supervisorUnlocked: 'line.supervisor-unlocked',
  configured: 'line.configured',
  operatorSet: 'line.operator-set',
  operatorRemoved: 'line.operator-removed',
  runStarted: 'line.run-started',
  runPassed: 'line.run-passed',
  runFailed: 'line.run-failed',
  canaryApproved: 'line.canary-approved',
  stopped: 'line.stopped',
  resumed: 'line.resumed',
  countersReset: 'line.counters-reset',
} as const;

/** What the line reads back from the ledger: enough of a stored event to rebuild its state. */
export interface LineLedgerEvent {
  type: string;
  deviceId: string | null;
  payload: JsonValue;
  /** Wall time of the event (from its HLC). */
  atMs: number;
}

export interface RunStartedPayload {
  runId: string;
  port: string;
  workKey: string;
  operatorId: string;
  isCanary: boolean;
  hardwareId: string | null;
  serial: string | null;
}

export interface RunEndedPayload extends RunStartedPayload {
  durationMs: number;
}

export interface RunFailedPayload extends RunEndedPayload {
  code: string;
  reason: string;
  step: string;
}

export interface ConfiguredPayload {
  work: LockedWork | null;
  ports: { mode: 'all' } | { mode: 'listed'; addresses: string[] };
  canaryCount: number;
  supervisorId: string;
}

/** Reads a payload the line wrote itself; a foreign or older shape yields null and is skipped. */
export function readPayload<T>(payload: JsonValue, required: (keyof T & string)[]): T | null {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return null;
  for (const key of required) if (!(key in payload)) return null;
  return payload as unknown as T;
}

/** The identity used by the replug rule: the hardware id when the device has one. */
export function doneKey(workKey: string, hardwareId: string | null, deviceId: string): string {
  return `${workKey}\u0000${hardwareId ?? deviceId}`;
}
