import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';

/** The Fastify instance of the fleet server: HTTPS, Fastify's pino logger. */
export type FleetApp = FastifyInstance<HttpsServer, IncomingMessage, ServerResponse, FastifyBaseLogger>;
