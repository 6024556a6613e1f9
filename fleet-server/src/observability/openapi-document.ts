import { z } from 'zod';
import { jsonValueSchema } from '../../../shared/contract/ledger';
import { API_OPERATIONS, API_SCHEMAS } from './api-operations';

/** Fastify's `:param` becomes OpenAPI's `{param}`. */
export function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function ref(name: string): { $ref: string } {
  return { $ref: `#/components/schemas/${name}` };
}

/**
 * The OpenAPI 3.1 document of the server, built from the same zod schemas the routes parse with and
 * from the operation table in api-operations.ts. A test compares that table with the routes Fastify
 * actually registered, so the document cannot silently drift from the server.
 */
export function buildOpenApiDocument(serverUrl?: string): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  registry.add(jsonValueSchema, { id: 'JsonValue' });
  for (const [id, schema] of Object.entries(API_SCHEMAS)) registry.add(schema, { id });
  const generated = z.toJSONSchema(registry, { uri: (id) => `#/components/schemas/${id}`, unrepresentable: 'any', io: 'input' });
  // Components are not standalone documents: a `$id` made of a fragment is not allowed there, and
  // OpenAPI 3.1 already fixes the dialect.
  const schemas = Object.fromEntries(
    Object.entries(generated.schemas).map(([id, { $id: _id, $schema: _schema, ...schema }]) => [id, schema]),
  );
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of API_OPERATIONS) {
    const path = toOpenApiPath(operation.path);
    const parameters = [...path.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((match) => ({
      name: match[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(operation.responses)) {
      responses[status] = {
        description: response.description,
        ...(response.schema === undefined ? {} : { content: { [response.mediaType ?? 'application/json']: { schema: typeof response.schema === 'string' ? ref(response.schema) : response.schema } } }),
      };
    }
    responses['default'] = { description: 'Error: `{ error: { code, message, details } }`', content: { 'application/json': { schema: ref('ErrorResponse') } } };
    paths[path] = {
      ...paths[path],
      [operation.method.toLowerCase()]: {
        operationId: operation.operationId,
        summary: operation.summary,
        ...(operation.description === undefined ? {} : { description: operation.description }),
        tags: [operation.tag],
        security: operation.auth === 'none' ? [] : [{ [operation.auth === 'station' ? 'stationCertificate' : 'deviceCertificate']: [] }],
        parameters: [...parameters, ...(operation.parameters ?? [])],
        ...(operation.body === undefined
          ? {}
          : { requestBody: { required: true, content: { [operation.body.mediaType ?? 'application/json']: { schema: typeof operation.body.schema === 'string' ? ref(operation.body.schema) : operation.body.schema } } } }),
        responses,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Fieldline fleet server',
      version: '0.1.0',
      description: 'Station enrollment, hash-chained ledger ingest, the fleet device projection, the offline catalog and an EST (RFC 7030) CA.',
    },
    ...(serverUrl === undefined ? {} : { servers: [{ url: serverUrl }] }),
    paths,
    components: {
      schemas,
      securitySchemes: {
        stationCertificate: { type: 'mutualTLS', description: 'A station certificate from POST /enroll/station, not revoked.' },
        deviceCertificate: { type: 'mutualTLS', description: 'A device certificate from the device CA (EST re-enrollment).' },
      },
    },
  };
}
