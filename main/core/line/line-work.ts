import type { LinePhase } from '../../../shared/contract/line';

export type LineWorkOutcome = { outcome: 'pass' } | { outcome: 'fail'; code: string; reason: string; step: string };

export interface LineWorkUpdate {
  phase: LinePhase;
  /** 0–100 when the phase can tell; null otherwise. */
  percent: number | null;
}

/**
 * What a port runs on the device plugged into it. Injected, so that the line does not care whether it
 * flashes a bundle (today: flash-line-work.ts) or applies a recipe (provisioning, later). It must
 * resolve — failures are an outcome, not a rejection — and stop soon after `signal` aborts.
 */
export type LineWork = (
  device: { deviceId: string; port: string },
  signal: AbortSignal,
  report: (update: LineWorkUpdate) => void,
) => Promise<LineWorkOutcome>;
