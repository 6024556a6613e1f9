import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';

/** What the fleet server has done on one TCP connection, keyed by the client's (the proxy's) port. */
export interface ConnectionActivity {
  /** The TLS handshake completed on the server's side: later bytes from the client are HTTP. */
  isSecure: boolean;
  requests: number;
  /** Responses whose head the server began to write (after the handler finished, i.e. after commit). */
  responsesStarted: number;
  /** Responses fully handed to the operating system. */
  responsesFinished: number;
}

/** One request the server handled, for benchmarks that split station time from server time. */
export interface HandledRequest {
  method: string;
  url: string;
  status: number;
  startedAtMs: number;
  finishedAtMs: number;
}

/**
 * Watches a running fleet server's HTTPS listener from the outside (listeners on the Node server, no
 * change to the server): when a connection finished its TLS handshake, when a request arrived, when
 * its response began. TLS is end to end, so a proxy in between sees only ciphertext; this is how it
 * knows that the bytes coming back now are the answer to a request the server has already committed.
 * The flag is raised inside `writeHead`, before a byte of the answer reaches the socket, so a proxy
 * reading that socket later can never see the answer before the flag.
 */
export class ServerExchangeObserver {
  readonly #server: Server;
  readonly #connections = new Map<number, ConnectionActivity>();
  readonly #handled: HandledRequest[] = [];
  #requestCount = 0;

  readonly #onSecure = (socket: TLSSocket): void => {
    const port = socket.remotePort;
    if (port !== undefined) this.#activity(port).isSecure = true;
  };

  readonly #onRequest = (request: IncomingMessage, response: ServerResponse): void => {
    const port = request.socket.remotePort;
    const startedAtMs = performance.now();
    this.#requestCount += 1;
    const activity = port === undefined ? null : this.#activity(port);
    if (activity !== null) activity.requests += 1;
    const writeHead = response.writeHead.bind(response) as (...args: unknown[]) => ServerResponse;
    response.writeHead = (...args: unknown[]) => {
      if (activity !== null) activity.responsesStarted += 1;
      return writeHead(...args);
    };
    response.once('finish', () => {
      if (activity !== null) activity.responsesFinished += 1;
      this.#handled.push({ method: request.method ?? '', url: request.url ?? '', status: response.statusCode, startedAtMs, finishedAtMs: performance.now() });
    });
  };

  constructor(server: Server) {
    this.#server = server;
    server.on('secureConnection', this.#onSecure);
    // First in line, so that writeHead is wrapped before the application sees the response.
    server.prependListener('request', this.#onRequest);
  }

  /** Requests the server received so far, on every connection. */
  get requestCount(): number {
    return this.#requestCount;
  }

  get handled(): readonly HandledRequest[] {
    return this.#handled;
  }

  /** The activity on the connection from `port` (all zero for a connection not seen yet). */
  connection(port: number): Readonly<ConnectionActivity> {
    return this.#connections.get(port) ?? { isSecure: false, requests: 0, responsesStarted: 0, responsesFinished: 0 };
  }

  /** A new connection from `port`: whatever an earlier connection from the same port did is history. */
  forget(port: number): void {
    this.#connections.delete(port);
  }

  detach(): void {
    this.#server.off('secureConnection', this.#onSecure);
    this.#server.off('request', this.#onRequest);
  }

  #activity(port: number): ConnectionActivity {
    let activity = this.#connections.get(port);
    if (activity === undefined) {
      activity = { isSecure: false, requests: 0, responsesStarted: 0, responsesFinished: 0 };
      this.#connections.set(port, activity);
    }
    return activity;
  }
}
