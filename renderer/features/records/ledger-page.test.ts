// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { makeLedgerRow } from '../../test/fixtures';
import { appendOlderPage, mergeNewestPage } from './ledger-page';

const positions = (page: { events: { position: number }[] }): number[] =>
  page.events.map((event) => event.position);

describe('ledger pages', () => {
  it('puts new events on top and keeps the older pages already loaded', () => {
    const shown = { events: [makeLedgerRow(5), makeLedgerRow(4), makeLedgerRow(3)], nextBefore: 3 };
    const merged = mergeNewestPage(shown, {
      events: [makeLedgerRow(7), makeLedgerRow(6), makeLedgerRow(5)],
      nextBefore: 5,
    });
    expect(positions(merged)).toEqual([7, 6, 5, 4, 3]);
    expect(merged.nextBefore).toBe(3);
  });

  it('starts over when more events arrived than one page holds', () => {
    const shown = { events: [makeLedgerRow(2), makeLedgerRow(1)], nextBefore: null };
    const newest = { events: [makeLedgerRow(9), makeLedgerRow(8)], nextBefore: 8 };
    expect(mergeNewestPage(shown, newest)).toBe(newest);
  });

  it('appends an older page without duplicates', () => {
    const shown = { events: [makeLedgerRow(6), makeLedgerRow(5)], nextBefore: 5 };
    const appended = appendOlderPage(shown, {
      events: [makeLedgerRow(5), makeLedgerRow(4)],
      nextBefore: null,
    });
    expect(positions(appended)).toEqual([6, 5, 4]);
    expect(appended.nextBefore).toBeNull();
  });
});
