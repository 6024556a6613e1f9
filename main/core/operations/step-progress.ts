import type { OperationStep } from '../../../shared/contract';

/** How far back the rate looks (the same window as flash jobs: smooths bursts, follows a stall). */
const RATE_WINDOW_MS = 3_000;

/** Done/total with a rate and ETA over the last few seconds, for one step of an operation. */
export class StepProgress {
  #samples: { atMs: number; done: number }[] = [];
  #done = 0;
  #total = 0;

  update(done: number, total: number, atMs: number): void {
    // Going backwards (a retry, a resync) restarts the rate from there.
    if (done < this.#done || total !== this.#total) this.#samples = [];
    this.#done = done;
    this.#total = total;
    this.#samples.push({ atMs, done });
    while (this.#samples.length > 2 && atMs - this.#samples[0]!.atMs > RATE_WINDOW_MS) this.#samples.shift();
  }

  snapshot(unit: 'bytes' | 'items'): NonNullable<OperationStep['progress']> {
    const first = this.#samples[0];
    const last = this.#samples.at(-1);
    const elapsedMs = first && last ? last.atMs - first.atMs : 0;
    const perSecond = first && last && elapsedMs > 0 ? ((last.done - first.done) * 1000) / elapsedMs : 0;
    const remaining = Math.max(0, this.#total - this.#done);
    let etaSeconds: number | null = null;
    if (perSecond > 0) etaSeconds = Math.round((remaining / perSecond) * 10) / 10;
    else if (remaining === 0 && this.#total > 0) etaSeconds = 0;
    return { done: this.#done, total: this.#total, unit, perSecond: Math.round(perSecond), etaSeconds };
  }
}
