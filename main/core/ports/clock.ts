/** Wall-clock time, injected so that tests control it and the ledger's hybrid logical clock is testable. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  nowMs(): number;
}

export const systemClock: Clock = { nowMs: () => Date.now() };
