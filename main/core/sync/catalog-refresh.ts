import type { Clock } from '../ports/clock';
import type { CatalogCache, FleetClient } from '../ports/fleet-client';

/**
 * Revalidates the station's catalog copy with its entity tag: an unchanged catalog costs one 304 and
 * only moves `checkedAt`; a changed one replaces the copy whole. The copy is what the station works
 * from offline (bundles, recipes, trust anchors, revocations).
 */
export async function refreshCatalog(client: FleetClient, cache: CatalogCache, clock: Clock, signal: AbortSignal): Promise<'unchanged' | 'updated'> {
  const cached = cache.read();
  const answer = await client.fetchCatalog(cached?.etag ?? null, signal);
  const checkedAt = new Date(clock.nowMs()).toISOString();
  if (!answer.isModified) {
    if (cached !== null) cache.write({ ...cached, checkedAt });
    return 'unchanged';
  }
  cache.write({ etag: answer.etag, checkedAt, catalog: answer.catalog });
  return 'updated';
}
