import { createServer, type Server, type Socket } from 'node:net';
import { ProxiedConnection, type ExchangeFate, type ExchangeInfo, type ProxyEvent, type ProxyEventKind } from './proxied-connection';
import type { ServerExchangeObserver } from './server-exchange-observer';

export type { ExchangeFate, ExchangeInfo, ProxyEvent, ProxyEventKind };

export interface HostileProxyOptions {
  /** The fleet server's port on 127.0.0.1. */
  targetPort: number;
  /** Watches the same server, so the proxy knows handshakes from requests and requests from answers. */
  observer: ServerExchangeObserver;
  /** The fate of each exchange, decided when its first byte arrives. Default: every exchange passes. */
  chooseFate?: (info: ExchangeInfo) => ExchangeFate;
  /** How long a held request waits before it is delivered. */
  holdMs?: number;
  trickle?: { sliceBytes: number; pauseMs: number };
  /**
   * Called as the answer to a request starts coming back, before a byte of it is forwarded. `swallow`
   * drops the answer and leaves the connection open: the station waits for an answer that never comes.
   */
  onResponseStart?: (info: ExchangeInfo) => 'forward' | 'swallow';
}

/**
 * A TCP proxy on 127.0.0.1 between a station and the fleet server that misbehaves on purpose. TLS is
 * end to end (mutual TLS), so it works on connections and bytes, never on HTTP; the server-side
 * observer tells it where a request ends and its answer begins. Every fault it commits is logged, so
 * a test can prove its faults actually fired.
 */
export class HostileTcpProxy {
  readonly log: ProxyEvent[] = [];
  readonly #server: Server;
  readonly #options: Required<Omit<HostileProxyOptions, 'onResponseStart'>> & Pick<HostileProxyOptions, 'onResponseStart'>;
  readonly #connections = new Set<ProxiedConnection>();
  #connectionCount = 0;

  private constructor(server: Server, options: HostileProxyOptions) {
    this.#server = server;
    this.#options = { chooseFate: () => 'pass', holdMs: 1_500, trickle: { sliceBytes: 2_048, pauseMs: 3 }, ...options };
    server.on('connection', (client) => this.#accept(client));
  }

  static async start(options: HostileProxyOptions): Promise<HostileTcpProxy> {
    const server = createServer({ noDelay: true });
    const proxy = new HostileTcpProxy(server, options);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  get port(): number {
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('the proxy is not listening');
    return address.port;
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  count(kind: ProxyEventKind): number {
    return this.log.filter((event) => event.kind === kind).length;
  }

  /** Waits until no held request is still on its way (released, answered or given up). */
  async settle(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ([...this.#connections].some((connection) => connection.isHolding)) {
      if (Date.now() > deadline) throw new Error(`held requests still in flight after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async close(): Promise<void> {
    for (const connection of this.#connections) connection.destroy();
    this.#connections.clear();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: Socket): void {
    this.#connectionCount += 1;
    const connection = new ProxiedConnection(this.#connectionCount, client, { ...this.#options, record: (event) => this.log.push(event) });
    this.#connections.add(connection);
    connection.onClosed = () => this.#connections.delete(connection);
    connection.start();
  }
}
