import { createSocket, type Socket } from 'node:dgram';
import { AppError } from '../../../shared/errors';
import type { Disposable } from '../../../main/core/event-bus';
import type {
  DatagramBindOptions,
  DatagramEndpoint,
  DatagramNetwork,
  DatagramSocket,
} from '../../../main/core/ports/datagram';

/**
 * DatagramNetwork over `node:dgram` (IPv4). The lab's UDP devices and the tests' client side both use
 * it; it is also the adapter the app needs, and can move to main/adapters when the app wires UDP.
 */
export class NodeDatagramNetwork implements DatagramNetwork {
  async bind(options: DatagramBindOptions, signal?: AbortSignal): Promise<DatagramSocket> {
    signal?.throwIfAborted();
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', (error) =>
        reject(
          new AppError(
            'PORT_UNAVAILABLE',
            `Cannot bind UDP ${options.address}:${options.port ?? 0}: ${error.message}`,
            { cause: error },
          ),
        ),
      );
      socket.bind(options.port ?? 0, options.address, () => resolve());
    });
    return new NodeDatagramSocket(socket);
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
    this.#closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', (error) => {
      this.#failure = new AppError('TRANSPORT_CLOSED', `UDP socket failed: ${error.message}`, {
        cause: error,
      });
      socket.close();
    });
    void this.#closed.then(() => (this.#isClosed = true));
  }

  send(bytes: Uint8Array, to: DatagramEndpoint, signal?: AbortSignal): Promise<void> {
    if (this.#isClosed) return Promise.reject(new AppError('TRANSPORT_CLOSED', 'UDP socket is closed'));
    if (signal?.aborted) return Promise.reject(new AppError('CANCELLED', 'UDP send cancelled'));
    return new Promise((resolve, reject) => {
      this.#socket.send(bytes, to.port, to.address, (error) => {
        if (!error) resolve();
        else if ((error as NodeJS.ErrnoException).code === 'EMSGSIZE')
          reject(
            new AppError('INVALID_INPUT', `Datagram of ${bytes.length} bytes is too large`, { cause: error }),
          );
        else reject(new AppError('TRANSPORT_CLOSED', `UDP send failed: ${error.message}`, { cause: error }));
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
    void this.#closed.then(() => isSubscribed && listener(this.#failure));
    return { dispose: () => (isSubscribed = false) };
  }

  async close(): Promise<void> {
    if (!this.#isClosed) {
      try {
        this.#socket.close();
      } catch {
        // Already closing.
      }
    }
    await this.#closed;
  }
}
