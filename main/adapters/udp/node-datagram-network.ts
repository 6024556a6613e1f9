import { createSocket, type Socket } from 'node:dgram';
import { AppError } from '../../../shared/errors';
import type { Disposable } from '../../core/event-bus';
import type {
  DatagramBindOptions,
  DatagramEndpoint,
  DatagramNetwork,
  DatagramSocket,
} from '../../core/ports/datagram';

/**
 * The real DatagramNetwork over `node:dgram` (IPv4): what SMP over UDP (protocols.md §1) and the
 * discovery's UDP probe use. Nothing `dgram`-typed leaves this folder.
 */
export class NodeDatagramNetwork implements DatagramNetwork {
  async bind(options: DatagramBindOptions, signal?: AbortSignal): Promise<DatagramSocket> {
    if (signal?.aborted) throw new AppError('CANCELLED', 'UDP bind cancelled');
    const socket = createSocket('udp4');
    const where = `${options.address}:${options.port ?? 0}`;
    try {
      await new Promise<void>((resolve, reject) => {
        const onError = (error: Error): void => reject(error);
        socket.once('error', onError);
        socket.bind(options.port ?? 0, options.address, () => {
          socket.off('error', onError);
          resolve();
        });
      });
    } catch (error: unknown) {
      // A socket that failed to bind still holds a handle; close it so nothing leaks.
      await closeQuietly(socket);
      const message = error instanceof Error ? error.message : String(error);
      throw new AppError('PORT_UNAVAILABLE', `Cannot bind UDP ${where}: ${message}`, {
        cause: error,
        details: { ...options },
      });
    }
    const bound = new NodeDatagramSocket(socket);
    if (signal?.aborted) {
      await bound.close();
      throw new AppError('CANCELLED', 'UDP bind cancelled');
    }
    return bound;
  }
}

class NodeDatagramSocket implements DatagramSocket {
  readonly local: DatagramEndpoint;
  readonly #socket: Socket;
  readonly #closed: Promise<void>;
  #isClosed = false;
  #failure: AppError | undefined;

  constructor(socket: Socket) {
    this.#socket = socket;
    const address = socket.address();
    this.local = { address: address.address, port: address.port };
    this.#closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.#isClosed = true;
        resolve();
      }),
    );
    // An asynchronous socket error (e.g. ICMP-driven on some platforms) ends the socket with a reason
    // instead of crashing the process with an unhandled 'error' event.
    socket.on('error', (error) => {
      this.#failure = new AppError('TRANSPORT_CLOSED', `UDP socket failed: ${error.message}`, {
        cause: error,
      });
      void closeQuietly(socket);
    });
  }

  send(bytes: Uint8Array, to: DatagramEndpoint, signal?: AbortSignal): Promise<void> {
    if (this.#isClosed)
      return Promise.reject(this.#failure ?? new AppError('TRANSPORT_CLOSED', 'UDP socket is closed'));
    if (signal?.aborted) return Promise.reject(new AppError('CANCELLED', 'UDP send cancelled'));
    return new Promise((resolve, reject) => {
      this.#socket.send(bytes, to.port, to.address, (error) => {
        if (!error) resolve();
        else if ((error as NodeJS.ErrnoException).code === 'EMSGSIZE')
          reject(
            new AppError('INVALID_INPUT', `Datagram of ${bytes.length} bytes is too large`, { cause: error }),
          );
        else
          reject(
            new AppError(
              'TRANSPORT_CLOSED',
              `UDP send to ${to.address}:${to.port} failed: ${error.message}`,
              { cause: error },
            ),
          );
      });
    });
  }

  onMessage(listener: (bytes: Uint8Array, from: DatagramEndpoint) => void): Disposable {
    const handler = (message: Buffer, info: { address: string; port: number }): void =>
      listener(new Uint8Array(message.buffer, message.byteOffset, message.byteLength), {
        address: info.address,
        port: info.port,
      });
    this.#socket.on('message', handler);
    return { dispose: () => this.#socket.off('message', handler) };
  }

  onClose(listener: (reason: AppError | undefined) => void): Disposable {
    let isSubscribed = true;
    void this.#closed.then(() => {
      if (isSubscribed) listener(this.#failure);
    });
    return { dispose: () => (isSubscribed = false) };
  }

  async close(): Promise<void> {
    if (!this.#isClosed) await closeQuietly(this.#socket);
    await this.#closed;
  }
}

/** Closes a socket that may already be closing; `dgram` throws ERR_SOCKET_DGRAM_NOT_RUNNING then. */
function closeQuietly(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve();
    }
  });
}
