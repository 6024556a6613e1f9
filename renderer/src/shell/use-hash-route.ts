import { useMemo, useSyncExternalStore } from 'react';
import { DEFAULT_VIEW, isViewId, type ViewId } from './views';

/** Where the hash points: a view, and for `#/devices/<id>` the device whose detail is shown. */
export interface Route {
  view: ViewId;
  deviceId: string | null;
}

/**
 * Hash routing (`#/records`, `#/devices/<id>`): it works from file:// in Electron and from the
 * station's http alike, needs no server rewrite rules, and lets end-to-end tests open a view directly.
 */
function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

export function parseRoute(hash: string): Route {
  const [first = '', second = ''] = hash.replace(/^#\/?/, '').split('?', 1)[0]?.split('/') ?? [];
  if (!isViewId(first)) return { view: DEFAULT_VIEW, deviceId: null };
  const deviceId = first === 'devices' && second !== '' ? decodeSegment(second) : null;
  return { view: first, deviceId };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    // A hand-typed `%` that is not an escape: the text as typed is the best guess at the id.
    return segment;
  }
}

export function useHashRoute(): Route {
  // The hash text is the snapshot: a string compares by value, so React re-renders only on a change.
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return useMemo(() => parseRoute(hash), [hash]);
}
