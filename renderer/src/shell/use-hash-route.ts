import { useSyncExternalStore } from 'react';
import { DEFAULT_VIEW, isViewId, type ViewId } from './views';

/**
 * Hash routing (`#/records`): it works from file:// in Electron and from the station's http alike,
 * needs no server rewrite rules, and lets end-to-end tests open a view directly.
 */
function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

export function currentView(hash: string): ViewId {
  const id = hash.replace(/^#\/?/, '').split(/[/?]/, 1)[0] ?? '';
  return isViewId(id) ? id : DEFAULT_VIEW;
}

export function useHashRoute(): ViewId {
  return useSyncExternalStore(subscribe, () => currentView(window.location.hash));
}
