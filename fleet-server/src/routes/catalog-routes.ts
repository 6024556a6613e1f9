import { buildCatalog, matchesIfNoneMatch } from '../catalog/catalog-document';
import { requireStation } from '../http/client-certificate';
import type { FleetApp } from '../http/fleet-app';
import type { FleetContext } from '../http/fleet-context';

/** The offline catalog, revalidated cheaply with ETag / If-None-Match. */
export function registerCatalogRoutes(app: FleetApp, context: FleetContext): void {
  app.get('/catalog', async (request, reply) => {
    await requireStation(request, context.db, context.fleetCaCertificate);
    const { document, etag } = await buildCatalog(context.db, context.pki);
    // no-cache: a station may keep the copy but must revalidate, because revocations live in it.
    void reply.header('etag', etag).header('cache-control', 'private, no-cache');
    if (matchesIfNoneMatch(request.headers['if-none-match'], etag)) return reply.status(304).send();
    return document;
  });
}
