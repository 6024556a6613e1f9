import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { STATION_TOKEN_PARAM } from '../../shared/contract';
import { CONTENT_SECURITY_POLICY } from '../../shared/security/content-security-policy';
import type { Logger } from '../core/ports/logger';
import { createAccessToken, isSameToken } from './access-token';
import { MAX_CLIENT_MESSAGE_BYTES, serveContract, type ContractEndpoint } from './contract-session';
import type { MessagePeer } from './message-peer';
import { readStaticFile } from './static-files';

export interface StationServerOptions {
  endpoint: ContractEndpoint;
  logger: Logger;
  /** 0 picks a free port. */
  port: number;
  /** The built renderer (renderer/dist); defaults to the checkout's. */
  rendererDir?: string;
  /** Fixed token for tests; a random one per run otherwise. */
  token?: string;
  /**
   * Prometheus text for `GET /metrics` (main/core/line/line-metrics.ts). Served without the token:
   * scrapers cannot carry this run's random token, and the counters reveal no secret. Still loopback only.
   */
  metrics?: () => string;
  /** Also serve `/metrics` (and only that) on this loopback port, for a scraper config that outlives restarts; 0 picks one. */
  metricsPort?: number;
}

export interface StationServer {
  /** The address to open, with the access token: http://127.0.0.1:<port>/?token=… */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  /** The separate metrics port, when `metricsPort` was given. */
  readonly metricsPort: number | null;
  close(): Promise<void>;
}

/** Loopback only: the station is controlled from this machine's browser, never from the network. */
const BIND_ADDRESS = '127.0.0.1';
export const DEFAULT_RENDERER_DIR = fileURLToPath(new URL('../../renderer/dist', import.meta.url));

/**
 * The headless station host: serves the built renderer and the contract over a WebSocket at /ws.
 * A socket is accepted only with this run's token and an Origin (and Host) that is the station itself,
 * so neither another local user without the URL nor a web page in the browser can drive it.
 */
export async function startStationServer(options: StationServerOptions): Promise<StationServer> {
  const token = options.token ?? createAccessToken();
  const rendererDir = options.rendererDir ?? DEFAULT_RENDERER_DIR;
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES });
  const http = createServer((request, response) => {
    if (options.metrics !== undefined && isMetricsRequest(request)) return serveMetrics(response, options.metrics);
    void serveStatic(request, response, rendererDir);
  });
  let port = 0;

  http.on('upgrade', (request, socket, head) => {
    const refusal = checkUpgrade(request, token, port);
    if (refusal !== null) {
      options.logger.warn({ reason: refusal.reason, origin: request.headers.origin }, 'refused a station connection');
      socket.end(`HTTP/1.1 ${refusal.status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    sockets.handleUpgrade(request, socket, head, (webSocket) => {
      serveContract(toPeer(webSocket), options.endpoint, options.logger);
    });
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, BIND_ADDRESS, () => resolve());
  });
  port = (http.address() as AddressInfo).port;
  const metricsServer =
    options.metrics !== undefined && options.metricsPort !== undefined ? await startMetricsServer(options.metricsPort, options.metrics) : null;
  return {
    url: `http://${BIND_ADDRESS}:${port}/?${STATION_TOKEN_PARAM}=${token}`,
    port,
    token,
    metricsPort: metricsServer === null ? null : (metricsServer.address() as AddressInfo).port,
    close: async () => {
      if (metricsServer !== null) {
        metricsServer.closeAllConnections();
        await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
      }
      await closeAll(http, sockets);
    },
  };
}

function isMetricsRequest(request: IncomingMessage): boolean {
  return request.method === 'GET' && new URL(request.url ?? '/', `http://${BIND_ADDRESS}`).pathname === '/metrics';
}

function serveMetrics(response: ServerResponse, metrics: () => string): void {
  let body: string;
  try {
    body = metrics();
  } catch {
    response.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
    response.end('metrics unavailable\n');
    return;
  }
  response.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Cache-Control': 'no-store' });
  response.end(body);
}

async function startMetricsServer(port: number, metrics: () => string): Promise<Server> {
  const server = createServer((request, response) => {
    if (isMetricsRequest(request)) return serveMetrics(response, metrics);
    response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    response.end('Not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, BIND_ADDRESS, () => resolve());
  });
  return server;
}

function checkUpgrade(request: IncomingMessage, token: string, port: number): { status: string; reason: string } | null {
  const url = new URL(request.url ?? '/', `http://${BIND_ADDRESS}`);
  if (url.pathname !== '/ws') return { status: '404 Not Found', reason: 'not the contract endpoint' };
  if (!isSameToken(token, url.searchParams.get(STATION_TOKEN_PARAM))) {
    return { status: '401 Unauthorized', reason: 'missing or wrong token' };
  }
  const ownOrigins = new Set([`http://${BIND_ADDRESS}:${port}`, `http://localhost:${port}`]);
  const origin = request.headers.origin;
  if (origin === undefined || !ownOrigins.has(origin)) return { status: '403 Forbidden', reason: 'foreign origin' };
  // DNS rebinding: a page from another origin that resolves to 127.0.0.1 still sends its own Host.
  if (!ownOrigins.has(`http://${request.headers.host ?? ''}`)) return { status: '403 Forbidden', reason: 'foreign host' };
  return null;
}

async function serveStatic(request: IncomingMessage, response: ServerResponse, rendererDir: string): Promise<void> {
  const path = new URL(request.url ?? '/', `http://${BIND_ADDRESS}`).pathname;
  const file = request.method === 'GET' ? await readStaticFile(rendererDir, path) : null;
  response.setHeader('Content-Security-Policy', STATION_CSP);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Referrer-Policy', 'no-referrer');
  if (file === null) {
    const isIndex = path === '/' || path === '/index.html';
    response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    response.end(isIndex ? 'The renderer is not built. Run `npm run build:renderer`, then reload.\n' : 'Not found\n');
    return;
  }
  response.writeHead(200, { 'Content-Type': file.contentType, 'Cache-Control': 'no-cache' });
  response.end(file.body);
}

/** The same policy as the Electron window (shared/security/content-security-policy.ts). */
export const STATION_CSP = CONTENT_SECURITY_POLICY;

function toPeer(webSocket: WebSocket): MessagePeer {
  return {
    send: (text) => {
      if (webSocket.readyState === webSocket.OPEN) webSocket.send(text);
    },
    onMessage: (listener) => {
      const handler = (data: Buffer, isBinary: boolean): void => {
        if (!isBinary) listener(data.toString('utf8'));
      };
      webSocket.on('message', handler);
      return { dispose: () => webSocket.off('message', handler) };
    },
    onClose: (listener) => {
      webSocket.on('close', listener);
      return { dispose: () => webSocket.off('close', listener) };
    },
    close: () => webSocket.close(),
  };
}

async function closeAll(http: Server, sockets: WebSocketServer): Promise<void> {
  for (const client of sockets.clients) client.terminate();
  await new Promise<void>((resolve) => sockets.close(() => resolve()));
  http.closeAllConnections();
  await new Promise<void>((resolve, reject) => http.close((error) => (error ? reject(error) : resolve())));
}
