import { connect, type Socket } from 'node:net';
import type { ServerExchangeObserver } from './server-exchange-observer';

/**
 * What the network does to one exchange (a request and its answer) on a connection:
 * - `pass`: nothing;
 * - `reset`: the connection is reset before a byte of the request is forwarded (on the first exchange
 *   of a connection that is before the TLS handshake);
 * - `lose-response`: the request reaches the server, which stores it and answers; the connection is
 *   reset as the answer starts coming back, so the station never hears it (it will send it again);
 * - `hold`: the request is held longer than the station waits, then delivered: by then the station
 *   has given up and sent newer requests, so this one arrives late, out of order, as a duplicate;
 * - `trickle`: the bytes of both directions go through in small slices with pauses.
 */
export type ExchangeFate = 'pass' | 'reset' | 'lose-response' | 'hold' | 'trickle';

export type ProxyEventKind =
  | 'exchange'
  | 'reset-on-connect'
  | 'reset-request'
  | 'lost-response'
  | 'swallowed-by-hook'
  | 'held'
  | 'released'
  | 'trickled';

export interface ProxyEvent {
  kind: ProxyEventKind;
  connection: number;
  exchange: number;
  fate?: ExchangeFate;
  /** For `released`: how many requests the server received, on any connection, while this one was held. */
  overtakenBy?: number;
}

export interface ExchangeInfo {
  connection: number;
  exchange: number;
}

/** What a proxied connection needs: where the server is, how to misbehave, and where to report what it did. */
export interface ConnectionPolicy {
  targetPort: number;
  observer: ServerExchangeObserver;
  chooseFate: (info: ExchangeInfo) => ExchangeFate;
  holdMs: number;
  trickle: { sliceBytes: number; pauseMs: number };
  onResponseStart?: ((info: ExchangeInfo) => 'forward' | 'swallow') | undefined;
  record: (event: ProxyEvent) => void;
}

/** Writes chunks to a socket in order; slow chunks go in slices with pauses, and nothing overtakes them. */
class OrderedWriter {
  readonly #queue: { chunk: Buffer; isSlow: boolean }[] = [];
  readonly #timers: Set<NodeJS.Timeout>;
  #socket: Socket | null = null;
  #isPumping = false;

  constructor(
    readonly trickle: { sliceBytes: number; pauseMs: number },
    timers: Set<NodeJS.Timeout>,
  ) {
    this.#timers = timers;
  }

  attach(socket: Socket): void {
    this.#socket = socket;
    this.#pump();
  }

  push(chunk: Buffer, isSlow: boolean): void {
    this.#queue.push({ chunk, isSlow });
    this.#pump();
  }

  #pump(): void {
    const socket = this.#socket;
    if (this.#isPumping || socket === null) return;
    while (this.#queue.length > 0) {
      const next = this.#queue[0];
      if (next === undefined) return;
      if (socket.destroyed) {
        this.#queue.length = 0;
        return;
      }
      if (!next.isSlow) {
        this.#queue.shift();
        socket.write(next.chunk);
        continue;
      }
      const slice = next.chunk.subarray(0, this.trickle.sliceBytes);
      next.chunk = next.chunk.subarray(slice.length);
      if (next.chunk.length === 0) this.#queue.shift();
      socket.write(slice);
      this.#isPumping = true;
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        this.#isPumping = false;
        this.#pump();
      }, this.trickle.pauseMs);
      this.#timers.add(timer);
      return;
    }
  }
}

/** One client connection and its upstream twin, misbehaving as its policy says. */
export class ProxiedConnection {
  onClosed: () => void = () => undefined;
  readonly #id: number;
  readonly #client: Socket;
  readonly #options: ConnectionPolicy;
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #toServer: OrderedWriter;
  readonly #toClient: OrderedWriter;
  #upstream: Socket | null = null;
  #upstreamPort: number | null = null;
  #exchange = 0;
  #fate: ExchangeFate = 'pass';
  #isInExchange = true;
  #baseStarted = 0;
  #baseFinished = 0;
  #isAnswerSeen = false;
  #isSwallowing = false;
  #hasServerSpoken = false;
  #hasTrickled = false;
  #hold: { chunks: Buffer[]; isReleased: boolean } | null = null;
  #isClientGone = false;

  constructor(id: number, client: Socket, options: ConnectionPolicy) {
    this.#id = id;
    this.#client = client;
    this.#options = options;
    this.#toServer = new OrderedWriter(options.trickle, this.#timers);
    this.#toClient = new OrderedWriter(options.trickle, this.#timers);
    this.#toClient.attach(client);
  }

  start(): void {
    this.#client.on('error', () => undefined);
    this.#fate = this.#options.chooseFate({ connection: this.#id, exchange: 0 });
    this.#options.record({ kind: 'exchange', connection: this.#id, exchange: 0, fate: this.#fate });
    if (this.#fate === 'reset') {
      this.#options.record({ kind: 'reset-on-connect', connection: this.#id, exchange: 0 });
      this.destroy();
      return;
    }
    const upstream = connect({ port: this.#options.targetPort, host: '127.0.0.1', noDelay: true });
    this.#upstream = upstream;
    upstream.on('error', () => undefined);
    upstream.once('connect', () => {
      this.#upstreamPort = upstream.localPort ?? null;
      if (this.#upstreamPort !== null) this.#options.observer.forget(this.#upstreamPort);
      this.#toServer.attach(upstream);
    });
    upstream.on('data', (chunk: Buffer) => this.#fromServer(chunk));
    upstream.once('close', () => {
      if (!this.#isClientGone) this.#client.destroy();
      this.#finish();
    });
    this.#client.on('data', (chunk: Buffer) => this.#fromClient(chunk));
    this.#client.once('close', () => {
      this.#isClientGone = true;
      // A held request outlives the station's connection: that is the point of holding it.
      if (this.#hold === null) upstream.destroy();
      this.#finish();
    });
  }

  get isHolding(): boolean {
    return this.#hold !== null;
  }

  destroy(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    if (!this.#client.destroyed) this.#client.resetAndDestroy();
    this.#upstream?.destroy();
    this.onClosed();
  }

  #activity() {
    return this.#options.observer.connection(this.#upstreamPort ?? -1);
  }

  #fromClient(chunk: Buffer): void {
    const activity = this.#activity();
    if (this.#isInExchange && activity.responsesFinished > this.#baseFinished) this.#isInExchange = false;
    if (!this.#isInExchange) {
      this.#exchange += 1;
      this.#fate = this.#options.chooseFate({ connection: this.#id, exchange: this.#exchange });
      this.#options.record({ kind: 'exchange', connection: this.#id, exchange: this.#exchange, fate: this.#fate });
      this.#isInExchange = true;
      this.#baseStarted = activity.responsesStarted;
      this.#baseFinished = activity.responsesFinished;
      this.#isAnswerSeen = false;
      this.#isSwallowing = false;
      this.#hasTrickled = false;
      if (this.#hold?.isReleased === true) this.#hold = null;
      if (this.#fate === 'reset') {
        this.#options.record({ kind: 'reset-request', connection: this.#id, exchange: this.#exchange });
        this.destroy();
        return;
      }
    }
    // Held: HTTP bytes, or on a new connection the client's second TLS 1.3 flight (its certificate and
    // Finished, usually with the request right behind), which the client sends without waiting for an
    // answer. The ClientHello is never held: without the server's reply the request would never follow.
    const isPastClientHello = activity.isSecure || this.#hasServerSpoken;
    if (this.#fate === 'hold' && isPastClientHello && this.#hold?.isReleased !== true) {
      this.#holdChunk(chunk);
      return;
    }
    this.#toServer.push(chunk, this.#slow());
  }

  #fromServer(chunk: Buffer): void {
    this.#hasServerSpoken = true;
    const activity = this.#activity();
    const isAnswer = this.#isInExchange && activity.responsesStarted > this.#baseStarted;
    if (isAnswer && !this.#isAnswerSeen) {
      this.#isAnswerSeen = true;
      const info = { connection: this.#id, exchange: this.#exchange };
      if (this.#fate === 'lose-response') {
        this.#options.record({ kind: 'lost-response', ...info });
        this.destroy();
        return;
      }
      if (this.#options.onResponseStart?.(info) === 'swallow') {
        this.#options.record({ kind: 'swallowed-by-hook', ...info });
        this.#isSwallowing = true;
      }
    }
    if (this.#isSwallowing) return;
    if (this.#isClientGone) {
      // The answer to a request the station gave up on: nobody is listening any more.
      if (activity.responsesFinished > this.#baseFinished) this.#upstream?.end();
      return;
    }
    this.#toClient.push(chunk, this.#slow());
  }

  #slow(): boolean {
    if (this.#fate !== 'trickle') return false;
    if (!this.#hasTrickled) {
      this.#hasTrickled = true;
      this.#options.record({ kind: 'trickled', connection: this.#id, exchange: this.#exchange });
    }
    return true;
  }

  #holdChunk(chunk: Buffer): void {
    if (this.#hold !== null) {
      this.#hold.chunks.push(chunk);
      return;
    }
    const hold = { chunks: [chunk], isReleased: false };
    this.#hold = hold;
    const requestsBefore = this.#options.observer.requestCount;
    const exchange = this.#exchange;
    this.#options.record({ kind: 'held', connection: this.#id, exchange });
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      hold.isReleased = true;
      this.#options.record({ kind: 'released', connection: this.#id, exchange, overtakenBy: this.#options.observer.requestCount - requestsBefore });
      for (const held of hold.chunks) this.#toServer.push(held, false);
      hold.chunks = [];
      // Nobody waits for the answer; give the server time to answer, then let the connection go.
      const giveUp = setTimeout(() => this.destroy(), 10_000);
      this.#timers.add(giveUp);
    }, this.#options.holdMs);
    this.#timers.add(timer);
  }

  #finish(): void {
    const upstreamClosed = this.#upstream === null || this.#upstream.destroyed;
    if (this.#isClientGone && upstreamClosed) {
      for (const timer of this.#timers) clearTimeout(timer);
      this.#timers.clear();
      this.onClosed();
    }
  }
}
