/** What a lab DFU device saw, for tests to assert on (architecture.md: simulators record traffic). */
export class DfuLabTraffic {
  /** Requests by name (DNLOAD, GETSTATUS, …) since power-on of this instance. */
  readonly requests = new Map<string, number>();
  /** GETSTATUS asked before the announced bwPollTimeout ran out. */
  earlyPolls = 0;
  stalls = 0;
  bytesReceived = 0;
  statusPolls = 0;
  corruptedReplies = 0;
  /** Requests left unanswered by the stop-answering fault. */
  unanswered = 0;

  count(name: string): void {
    this.requests.set(name, (this.requests.get(name) ?? 0) + 1);
  }

  countOf(name: string): number {
    return this.requests.get(name) ?? 0;
  }
}
