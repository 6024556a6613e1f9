import type { LedgerStore, StoredEvent } from '../ports/ledger-store';

/** How many events one read takes: a large ledger is read in bounded steps. */
const PAGE = 500;

/** Every event of a type, newest first, paged. */
export function allEventsOfType(store: Pick<LedgerStore, 'listEvents'>, type: string): StoredEvent[] {
  const events: StoredEvent[] = [];
  let before: number | undefined;
  for (;;) {
    const page = store.listEvents({ type, limit: PAGE, ...(before === undefined ? {} : { before }) });
    events.push(...page);
    if (page.length < PAGE) return events;
    before = page.at(-1)!.position;
  }
}

/** One field of an event's payload, or undefined when the payload is not an object. */
export function payloadField(event: StoredEvent, key: string): unknown {
  const payload = event.payload;
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return undefined;
  return payload[key];
}
