import { useEffect, useMemo, useSyncExternalStore } from 'react';
import { useBridge, useEvent, useReconnected } from '../../bridge';
import { LedgerFeed, type LedgerFeedState, type LedgerFilters } from './ledger-feed';

const PAGE_SIZE = 100;

export interface LedgerFeedView extends LedgerFeedState {
  loadOlder: () => void;
  retry: () => void;
}

/** One `LedgerFeed` per set of filters, refreshed on `ledger:changed` and after a reconnect. */
export function useLedgerFeed(filters: LedgerFilters): LedgerFeedView {
  const bridge = useBridge();
  const { type, deviceId, text } = filters;
  const feed = useMemo(
    () => new LedgerFeed(bridge, { type, deviceId, text }, PAGE_SIZE),
    [bridge, type, deviceId, text],
  );
  const state = useSyncExternalStore(feed.subscribe, feed.getState);

  // A feed left behind by changed filters needs no teardown: nothing subscribes to it any more.
  useEffect(() => feed.refresh(), [feed]);
  useEvent('ledger:changed', () => feed.refresh());
  useReconnected(() => feed.refresh());

  return { ...state, loadOlder: () => feed.loadOlder(), retry: () => feed.refresh() };
}
