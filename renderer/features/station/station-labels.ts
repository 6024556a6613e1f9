import type { LineState, PortState } from '../../../shared/contract';
import { ERROR_TABLE, isErrorCode } from '../../../shared/errors';

/** ux.md §8: idle grey, identifying/held blue, flashing purple, verifying teal, enrolling indigo, pass green, fail red. */
export const PORT_STATE_LOOK: Record<PortState, { color: string; word: string }> = {
  waiting: { color: 'gray', word: 'Waiting' },
  held: { color: 'blue', word: 'Ready' },
  flashing: { color: 'grape', word: 'Flashing' },
  verifying: { color: 'teal', word: 'Verifying' },
  enrolling: { color: 'indigo', word: 'Enrolling' },
  configuring: { color: 'cyan', word: 'Configuring' },
  pass: { color: 'green', word: 'Pass' },
  fail: { color: 'red', word: 'Fail' },
};

export const LINE_STATE_LOOK: Record<LineState, { color: string; word: string }> = {
  'not-configured': { color: 'gray', word: 'Not set up' },
  canary: { color: 'yellow', word: 'Canary' },
  'awaiting-approval': { color: 'orange', word: 'Awaiting approval' },
  running: { color: 'green', word: 'Running' },
  stopped: { color: 'red', word: 'Stopped' },
};

/** A failure code as people read it: the error table's title when it is one of ours. */
export function describeFailureCode(code: string): string {
  return isErrorCode(code) ? ERROR_TABLE[code].title : code;
}

export function formatYield(value: number | null): string {
  return value === null ? '—' : `${Math.round(value * 1000) / 10}%`;
}

export function formatElapsed(sinceIso: string | null, nowMs: number): string | null {
  if (sinceIso === null) return null;
  const seconds = Math.max(0, Math.floor((nowMs - Date.parse(sinceIso)) / 1000));
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? `${minutes} min ${seconds % 60} s` : `${seconds} s`;
}
