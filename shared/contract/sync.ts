import { z } from 'zod';
import { defineCommand, defineEvent } from './define';
import { emptyInput } from './app';

export const syncStatusSchema = z.object({
  /** `not-configured` until a fleet server is set in Settings; offline is normal, not an error. */
  state: z.enum(['not-configured', 'offline', 'idle', 'syncing', 'error']),
  /** Events written locally and not yet acknowledged by the fleet server. */
  pendingCount: z.number().int().nonnegative(),
  lastSuccessAt: z.string().nullable(),
  lastError: z.string().nullable(),
  serverUrl: z.string().nullable(),
});
export type SyncStatus = z.infer<typeof syncStatusSchema>;

export const syncStatus = defineCommand({
  name: 'sync:status',
  input: emptyInput,
  output: syncStatusSchema,
  doc: 'Where synchronisation with the fleet server stands.',
});

export const syncStatusChanged = defineEvent({
  name: 'sync:status-changed',
  payload: syncStatusSchema,
  doc: 'The sync state or pending count changed.',
});
