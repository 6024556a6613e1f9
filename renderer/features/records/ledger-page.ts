import type { CommandOutput } from '../../../shared/contract';

export type LedgerPage = CommandOutput<'ledger:list-events'>;
export type LedgerRow = LedgerPage['events'][number];

export const EMPTY_PAGE: LedgerPage = { events: [], nextBefore: null };

// Pages are cut by local position, so that is the order that keeps "Load older" gap-free.
const byPositionNewestFirst = (a: LedgerRow, b: LedgerRow): number => b.position - a.position;

/**
 * Puts a freshly fetched newest page on top of what is shown, keeping the older pages already loaded.
 * If every event of a full page is unknown, more arrived than one page holds and the gap cannot be
 * bridged, so the view starts over from the newest page.
 */
export function mergeNewestPage(shown: LedgerPage, newest: LedgerPage): LedgerPage {
  if (shown.events.length === 0) return newest;
  const known = new Set(shown.events.map((event) => event.id));
  const fresh = newest.events.filter((event) => !known.has(event.id));
  if (fresh.length === 0) return shown;
  if (fresh.length === newest.events.length && newest.nextBefore !== null) return newest;
  return { events: [...fresh, ...shown.events].sort(byPositionNewestFirst), nextBefore: shown.nextBefore };
}

/** Appends a page fetched with `before`, ignoring events already shown. */
export function appendOlderPage(shown: LedgerPage, older: LedgerPage): LedgerPage {
  const known = new Set(shown.events.map((event) => event.id));
  const events = [...shown.events, ...older.events.filter((event) => !known.has(event.id))];
  return { events, nextBefore: older.nextBefore };
}
