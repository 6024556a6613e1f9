/**
 * Hands out SMP sequence numbers (one byte, echoed by the response; protocols.md §1). A number is never
 * given to two requests in flight, and one whose request timed out is held back for a full cycle, so a
 * late answer to the old request cannot be mistaken for the answer to a new one.
 */
export class SmpSequenceNumbers {
  readonly #inUse = new Set<number>();
  /** seq → allocation count until which it stays held back. */
  readonly #heldBack = new Map<number, number>();
  #next: number;
  #allocations = 0;

  constructor(first = 0) {
    this.#next = first & 0xff;
  }

  allocate(): number {
    const fallback: number[] = [];
    for (let attempt = 0; attempt < 256; attempt += 1) {
      const seq = this.#next;
      this.#next = (this.#next + 1) & 0xff;
      if (this.#inUse.has(seq)) continue;
      const until = this.#heldBack.get(seq);
      if (until !== undefined && until > this.#allocations) {
        fallback.push(seq);
        continue;
      }
      return this.#take(seq);
    }
    // Every free number is held back (a device that stopped answering): reuse the oldest.
    const oldest = fallback[0];
    if (oldest === undefined)
      throw new Error('256 SMP requests in flight; the in-flight limit should prevent this');
    return this.#take(oldest);
  }

  /** The request got its answer (or failed for a reason other than silence): the number is free again. */
  release(seq: number): void {
    this.#inUse.delete(seq);
  }

  /** The request timed out: its answer may still come, so keep the number back for a cycle. */
  releaseAfterSilence(seq: number): void {
    this.#inUse.delete(seq);
    this.#heldBack.set(seq, this.#allocations + 256);
  }

  /** A packet arrived for a number not in use; true when it is the late answer to a timed-out request. */
  acceptLateAnswer(seq: number): boolean {
    return this.#heldBack.delete(seq);
  }

  #take(seq: number): number {
    this.#heldBack.delete(seq);
    this.#inUse.add(seq);
    this.#allocations += 1;
    return seq;
  }
}
