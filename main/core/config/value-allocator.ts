import { AppError } from '../../../shared/errors';
import type { AppendRequest } from '../ledger/ledger-service';
import type { EventQuery, StoredEvent } from '../ports/ledger-store';
import type { AllocatorDefinition } from './recipe-schema';

/** What the allocator needs of the ledger (LedgerService and core.append satisfy it). */
export interface AllocationLedger {
  append(request: AppendRequest): StoredEvent;
  listEvents(query: EventQuery): StoredEvent[];
}

export const ALLOCATED_EVENT = 'config.allocated';

/** One value from a counter: the device keeps it for good. */
export interface Allocation {
  pattern: string;
  counter: number;
  value: string;
  /** True when the ledger already holds it for this device (re-provisioning keeps its hostname). */
  isRecorded: boolean;
}

const PAGE = 1_000;

/**
 * Serial numbers and host names from a pattern and a counter. Every allocation is a `config.allocated`
 * event (pattern, counter, value, device), so the next counter is found from the ledger: a value is
 * never handed out twice, across restarts and across recipes that share a pattern, and a device that
 * already got one keeps it. `peek` (plan) writes nothing; `allocate` (apply) records.
 */
export class ValueAllocator {
  readonly #ledger: AllocationLedger;
  readonly #actor: string;

  constructor(ledger: AllocationLedger, actor = 'station') {
    this.#ledger = ledger;
    this.#actor = actor;
  }

  /** The device's recorded value for this pattern, or the next free one (not recorded). */
  peek(deviceId: string, definition: AllocatorDefinition): Allocation {
    let highest = definition.start - 1;
    for (const event of this.#allocations()) {
      const payload = event.payload as { pattern?: unknown; counter?: unknown; value?: unknown };
      if (payload.pattern !== definition.pattern || typeof payload.counter !== 'number') continue;
      if (event.deviceId === deviceId && typeof payload.value === 'string')
        return { pattern: definition.pattern, counter: payload.counter, value: payload.value, isRecorded: true };
      highest = Math.max(highest, payload.counter);
    }
    const counter = highest + 1;
    return { pattern: definition.pattern, counter, value: formatPattern(definition.pattern, counter), isRecorded: false };
  }

  /** The device's value, recorded in the ledger if it was not yet. */
  allocate(deviceId: string, variable: string, definition: AllocatorDefinition): Allocation {
    const allocation = this.peek(deviceId, definition);
    if (allocation.isRecorded) return allocation;
    this.#ledger.append({
      actor: this.#actor,
      deviceId,
      type: ALLOCATED_EVENT,
      payload: { variable, pattern: allocation.pattern, counter: allocation.counter, value: allocation.value },
    });
    return { ...allocation, isRecorded: true };
  }

  *#allocations(): Generator<StoredEvent> {
    let before: number | undefined;
    for (;;) {
      const page = this.#ledger.listEvents({ type: ALLOCATED_EVENT, limit: PAGE, ...(before === undefined ? {} : { before }) });
      yield* page;
      if (page.length < PAGE) return;
      before = page.at(-1)!.position;
    }
  }
}

/** `gw-{counter:04}` with 7 → `gw-0007`; `{counter}` is plain decimal. */
export function formatPattern(pattern: string, counter: number): string {
  if (!Number.isSafeInteger(counter) || counter < 0)
    throw new AppError('RECIPE_VALUE_INVALID', `allocator ${pattern}: counter ${counter} is out of range`);
  return pattern.replace(/\{counter(?::(0?)(\d{1,2}))?\}/g, (_match, _zero: string | undefined, width: string | undefined) =>
    width === undefined ? String(counter) : String(counter).padStart(Number(width), '0'),
  );
}
