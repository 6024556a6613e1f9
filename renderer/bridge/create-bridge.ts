import { wrapPreloadBridge } from './preload-bridge';
import type { ProblemReporter, StationBridge } from './station-bridge';
import { stationSocketUrl } from './station-url';
import { createWebSocketBridge } from './websocket-bridge';

/**
 * Picks the transport: the Electron preload's `window.bridge` when present, otherwise the station's
 * WebSocket on the host that served this page.
 */
export function createBridge(options: { onProblem?: ProblemReporter } = {}): StationBridge {
  if (window.bridge !== undefined) return wrapPreloadBridge(window.bridge);
  return createWebSocketBridge({ url: stationSocketUrl(window.location), ...options });
}
