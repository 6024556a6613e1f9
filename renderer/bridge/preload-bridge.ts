import type { Bridge } from '../../shared/contract';
import { AppError, serializedAppErrorSchema, toAppError } from '../../shared/errors';
import { createConnectionCell } from './connection-state';
import type { StationBridge } from './station-bridge';

declare global {
  interface Window {
    /** Exposed by the Electron preload (main/app); absent in a plain browser. */
    bridge?: Bridge;
  }
}

/**
 * Wraps the preload's bridge. IPC has no connection to lose, so the state is always `connected`.
 * Rejections cross Electron's context bridge as the plain wire form `{ code, message, details? }`
 * (class identity is lost there); they become AppErrors again here, details included.
 */
export function wrapPreloadBridge(bridge: Bridge): StationBridge {
  return {
    invoke(name, input) {
      return bridge.invoke(name, input).catch((error: unknown) => {
        throw revive(error);
      });
    },
    on: bridge.on.bind(bridge),
    connection: createConnectionCell('connected'),
    close: () => undefined,
  };
}

function revive(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const serialized = serializedAppErrorSchema.safeParse(error);
  return serialized.success ? AppError.fromSerialized(serialized.data) : toAppError(error);
}
