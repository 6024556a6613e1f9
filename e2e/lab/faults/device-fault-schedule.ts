import { performance } from 'node:perf_hooks';
import type { FaultPlan, TransferKind } from './fault-plan';

/** What the device does when its schedule says so. */
export interface DeviceFaultActions {
  /** The link goes away for `downMs`; with `cutsPower` the device loses power too (RAM state is gone). */
  unplug(downMs: number, cutsPower: boolean): void;
  /** The device resets at once, without answering the request in hand. */
  resetNow(): void;
}

/** Device-level faults that happened, for tests to assert on. */
export interface DeviceFaultCounts {
  unplugs: number;
  resets: number;
  flashStalls: number;
  /** Requests taken in and never answered because the device "stopped answering". */
  unansweredRequests: number;
}

/** How flash behaves for the next write of a transfer. */
export interface FlashSlowdown {
  stallMs: number;
  writeBytesPerSecond?: number;
}

/**
 * The device-level half of a fault plan (fault-plan.ts): unplug and reset at N% of a transfer, slow
 * flash from N%, and stop answering after N requests. Each fires once per device start, so a resumed
 * upload that passes N% again is not interrupted again.
 */
export class DeviceFaultSchedule {
  readonly counts: DeviceFaultCounts = { unplugs: 0, resets: 0, flashStalls: 0, unansweredRequests: 0 };
  readonly #plan: FaultPlan | undefined;
  readonly #actions: DeviceFaultActions;
  readonly #fired = new Set<'unplug' | 'reset' | 'stall' | 'slow'>();
  #requests = 0;
  #silentSinceMs: number | undefined;

  constructor(plan: FaultPlan | undefined, actions: DeviceFaultActions) {
    this.#plan = plan;
    this.#actions = actions;
  }

  /** Called for every request the device takes in: true when it must go unanswered. */
  isSilenced(): boolean {
    const rule = this.#plan?.stopAnswering;
    if (!rule) return false;
    this.#requests += 1;
    if (this.#requests <= rule.afterRequests) return false;
    const now = performance.now();
    this.#silentSinceMs ??= now;
    if (rule.resumeAfterMs !== undefined && now - this.#silentSinceMs >= rule.resumeAfterMs) return false;
    this.counts.unansweredRequests += 1;
    return true;
  }

  /** Before writing a transfer's chunk at `offset` of `totalBytes`: how flash misbehaves for it. */
  beforeTransferWrite(kind: TransferKind, offset: number, totalBytes: number): FlashSlowdown {
    const rule = this.#plan?.slowFlash;
    if (!rule || rule.during !== kind || !reached(offset, totalBytes, rule.atPercent)) return { stallMs: 0 };
    const slowdown: FlashSlowdown = { stallMs: 0 };
    if (!this.#fired.has('stall') && rule.stallMs > 0) {
      this.#fired.add('stall');
      this.counts.flashStalls += 1;
      slowdown.stallMs = rule.stallMs;
    }
    if (rule.writeBytesPerSecond !== undefined && !this.#fired.has('slow')) {
      this.#fired.add('slow');
      slowdown.writeBytesPerSecond = rule.writeBytesPerSecond;
    }
    return slowdown;
  }

  /** After a transfer's chunk landed and the device holds `offset` of `totalBytes`. */
  afterTransferWrite(kind: TransferKind, offset: number, totalBytes: number): void {
    const unplug = this.#plan?.unplug;
    if (
      unplug?.during === kind &&
      !this.#fired.has('unplug') &&
      reached(offset, totalBytes, unplug.atPercent)
    ) {
      this.#fired.add('unplug');
      this.counts.unplugs += 1;
      this.#actions.unplug(unplug.downMs, unplug.cutsPower);
      return;
    }
    const reset = this.#plan?.resetMidTransfer;
    if (reset?.during === kind && !this.#fired.has('reset') && reached(offset, totalBytes, reset.atPercent)) {
      this.#fired.add('reset');
      this.counts.resets += 1;
      this.#actions.resetNow();
    }
  }
}

function reached(offset: number, totalBytes: number, atPercent: number): boolean {
  return totalBytes > 0 && offset * 100 >= atPercent * totalBytes;
}
