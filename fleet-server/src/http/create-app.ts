import Fastify from 'fastify';
import type { DestinationStream } from 'pino';
import { registerCatalogRoutes } from '../routes/catalog-routes';
import { registerCertificateRoutes } from '../routes/certificate-routes';
import { registerDeviceRoutes } from '../routes/device-routes';
import { registerEnrollmentRoutes } from '../routes/enrollment-routes';
import { registerEstRoutes } from '../routes/est-routes';
import { registerIngestRoutes } from '../routes/ingest-routes';
import { registerOperationsRoutes } from '../routes/operations-routes';
import type { FleetApp } from './fleet-app';
import type { FleetContext } from './fleet-context';
import { installErrorHandling } from './http-errors';

export interface AppOptions {
  logLevel: string;
  /** Where JSON log lines go; stdout when absent. */
  logStream?: DestinationStream | undefined;
}

/**
 * The HTTPS application. Client certificates are requested but not required at the TLS layer:
 * enrollment, EST `cacerts`, the CRLs and the operational routes must work without one, so each
 * route that needs a station or device decides for itself (http/client-certificate.ts).
 */
export function createFleetApp(context: FleetContext, options: AppOptions): { app: FleetApp; routes: string[] } {
  const app = Fastify({
    https: {
      key: context.pki.serverKeyPem,
      cert: context.pki.serverCertificatePem,
      ca: [context.pki.fleetCa.certificate.toString('pem'), context.pki.deviceCa.certificate.toString('pem')],
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    },
    logger: {
      level: options.logLevel,
      // Tokens and CSRs never reach the logs, even if a future log call includes a body.
      redact: ['req.headers.authorization', 'body.token', '*.token', 'token'],
      ...(options.logStream === undefined ? {} : { stream: options.logStream }),
    },
    bodyLimit: 256 * 1024,
    // A station retrying over a flaky link should not hold sockets forever.
    connectionTimeout: 60_000,
    requestTimeout: 120_000,
  });
  // Every route as `METHOD /path`, so a test can hold the OpenAPI document to the real routes.
  const routes: string[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push(`${method} ${route.url}`);
  });
  installErrorHandling(app);
  registerOperationsRoutes(app, context);
  registerEnrollmentRoutes(app, context);
  registerIngestRoutes(app, context);
  registerDeviceRoutes(app, context);
  registerCatalogRoutes(app, context);
  registerCertificateRoutes(app, context);
  registerEstRoutes(app, context);
  return { app, routes };
}
