import type { SyncStatus } from '../../../shared/contract';
import type { ConnectionState } from '../../bridge';

/** Quiet colours: offline is normal (ux.md), so nothing here is red. */
export type SyncTone = 'ok' | 'busy' | 'waiting' | 'attention';

export interface SyncDescription {
  text: string;
  tone: SyncTone;
}

const records = (count: number): string => `${count} ${count === 1 ? 'record' : 'records'}`;

/** The header's one-line summary of sync and of the connection to the station. */
export function describeSync(
  status: SyncStatus | undefined,
  connection: ConnectionState,
): SyncDescription | null {
  if (connection === 'reconnecting')
    return { text: 'Connection to station lost — reconnecting', tone: 'attention' };
  if (connection === 'connecting') return { text: 'Connecting to station…', tone: 'waiting' };
  if (status === undefined) return null;
  const pending = status.pendingCount;
  switch (status.state) {
    case 'not-configured':
      return {
        text:
          pending > 0
            ? `Not connected to a fleet server · ${records(pending)} waiting`
            : 'Not connected to a fleet server',
        tone: 'waiting',
      };
    case 'offline':
      return {
        text: pending > 0 ? `Offline · ${records(pending)} waiting to sync` : 'Offline',
        tone: 'waiting',
      };
    case 'syncing':
      return { text: pending > 0 ? `Syncing · ${records(pending)} to go` : 'Syncing', tone: 'busy' };
    case 'error':
      return { text: `Sync will retry · ${records(pending)} waiting`, tone: 'attention' };
    case 'idle':
      return pending > 0
        ? { text: `${records(pending)} waiting to sync`, tone: 'busy' }
        : { text: 'Synced', tone: 'ok' };
  }
}
