import type { Bridge } from '../../shared/contract';
import type { AppError } from '../../shared/errors';
import type { ConnectionMonitor } from './connection-state';

/** The contract's `Bridge`, plus what the shell needs to know about the transport under it. */
export interface StationBridge extends Bridge {
  readonly connection: ConnectionMonitor;
  /** Stops reconnecting and rejects whatever is still waiting for an answer. */
  close(): void;
}

/**
 * Receives problems the bridge recovers from on its own (a malformed message, a listener that threw),
 * so they are reported somewhere instead of disappearing.
 */
export type ProblemReporter = (problem: AppError) => void;
