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

export const syncEnrollStation = defineCommand({
  name: 'sync:enroll-station',
  input: z
    .object({
      serverUrl: z.string().min(1).max(2048),
      /** The one-time bootstrap token from the fleet server's administrator. */
      token: z.string().min(10).max(200),
      /** PEM of the fleet CA, to trust the server on first contact. */
      caPem: z.string().includes('BEGIN CERTIFICATE', { message: 'must be a PEM certificate' }).max(64 * 1024),
    })
    .strict(),
  output: syncStatusSchema,
  doc: 'Enrolls this station at a fleet server with a bootstrap token; afterwards records sync in the background.',
});

export const syncNow = defineCommand({
  name: 'sync:now',
  input: emptyInput,
  output: syncStatusSchema,
  doc: 'Sends waiting records now instead of waiting for the next attempt; answers with the resulting status.',
});
