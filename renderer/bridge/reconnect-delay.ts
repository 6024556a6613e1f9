const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 5_000;

/**
 * Exponential backoff, capped so a restarted station is found again within seconds. The ±20% jitter
 * keeps several open browser tabs from reconnecting in lockstep.
 */
export function reconnectDelayMs(attempt: number): number {
  const baseMs = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** attempt);
  return Math.round(baseMs * (0.8 + Math.random() * 0.4));
}
