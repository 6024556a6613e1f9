import type { FleetApp } from '../http/fleet-app';
import type { FleetContext } from '../http/fleet-context';
import { buildOpenApiDocument } from '../observability/openapi-document';

/** Health, Prometheus metrics and the OpenAPI document: unauthenticated, read-only. */
export function registerOperationsRoutes(app: FleetApp, context: FleetContext): void {
  // Built once: the document depends only on the code.
  const openApi = buildOpenApiDocument();

  app.get('/health', async () => {
    // A round trip to the database: a server that cannot store events is not healthy.
    await context.db.query('SELECT 1');
    return { status: 'ok' as const, database: context.db.kind };
  });

  app.get('/openapi.json', (_request, reply) => reply.send(openApi));

  app.get('/metrics', async (_request, reply) => {
    const body = await context.metrics.registry.metrics();
    return reply.type(context.metrics.registry.contentType).send(body);
  });
}
