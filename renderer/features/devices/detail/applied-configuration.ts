import { z } from 'zod';
import type { LedgerEvent } from '../../../../shared/contract';

/** The `config.applied` payload (main/core/provisioning/README.md), read leniently: shown, not trusted. */
const appliedSchema = z.object({
  recipe: z.object({
    name: z.string(),
    version: z.string(),
    path: z.string(),
    contentSha256: z.string(),
    gitCommit: z.string().nullable().optional(),
    isModified: z.boolean().nullable().optional(),
  }),
  firmware: z.object({ version: z.string() }).partial().nullable().optional(),
  certificateFingerprintSha256: z.string().nullable().optional(),
  settings: z.array(
    z.union([
      z.object({ name: z.string(), isSecret: z.literal(true), digest: z.string() }),
      z.object({ name: z.string(), isSecret: z.literal(false), value: z.string() }),
    ]),
  ),
  unverifiedSettings: z.array(z.string()).optional(),
});

export type AppliedConfiguration = z.infer<typeof appliedSchema> & { eventId: string; hash: string; hlc: string };

/**
 * The configuration last applied to a device: the newest readable `config.applied` of its history
 * (`events` newest first, as the detail holds them). Null when no recipe was applied here.
 */
export function lastAppliedConfiguration(events: readonly LedgerEvent[]): AppliedConfiguration | null {
  for (const event of events) {
    if (event.type !== 'config.applied') continue;
    const parsed = appliedSchema.safeParse(event.payload);
    if (parsed.success) return { ...parsed.data, eventId: event.id, hash: event.hash, hlc: event.hlc };
  }
  return null;
}
