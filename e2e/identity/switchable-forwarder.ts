import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP forwarder on a fixed loopback port that can be switched off and on again: from the station's
 * side, "the fleet server is down" and "it is back", while the server keeps its database.
 */
export class SwitchableForwarder {
  readonly #target: { host: string; port: number };
  readonly #sockets = new Set<Socket>();
  #server: Server | null = null;
  port = 0;

  constructor(target: { host: string; port: number }) {
    this.#target = target;
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    const server = createServer((incoming) => {
      const outgoing = connect(this.#target.port, this.#target.host);
      for (const socket of [incoming, outgoing]) {
        this.#sockets.add(socket);
        socket.once('close', () => this.#sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      incoming.pipe(outgoing).pipe(incoming);
      incoming.once('close', () => outgoing.destroy());
      outgoing.once('close', () => incoming.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('forwarder has no TCP address');
    this.port = address.port;
    this.#server = server;
  }

  async down(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    for (const socket of this.#sockets) socket.destroy();
    if (server !== null) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
