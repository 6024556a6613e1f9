import { constants, open } from 'node:fs';
import { promisify } from 'node:util';
import { ReadStream } from 'node:tty';

/**
 * The lab's end of a socat pseudo-terminal pair. A tty.ReadStream reads and writes the pty through
 * libuv's non-blocking tty handle, so sixteen devices do not tie up the thread pool the way blocking
 * fs reads would.
 */
export class PtyEndpoint {
  readonly #stream: ReadStream;
  readonly #closed: Promise<void>;

  private constructor(stream: ReadStream) {
    this.#stream = stream;
    this.#closed = new Promise((resolve) => stream.once('close', () => resolve()));
    // A pty whose other side went away reports EIO; the lab keeps running and socat stays up.
    stream.on('error', () => undefined);
  }

  static async open(path: string): Promise<PtyEndpoint> {
    // A raw descriptor, not a FileHandle: the tty stream owns and closes it (a FileHandle would be
    // closed again when garbage-collected).
    const fd = await promisify(open)(path, constants.O_RDWR | constants.O_NOCTTY);
    return new PtyEndpoint(new ReadStream(fd));
  }

  onData(listener: (bytes: Uint8Array) => void): void {
    this.#stream.on('data', (chunk: Buffer) =>
      listener(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)),
    );
  }

  write(bytes: Uint8Array): void {
    if (!this.#stream.destroyed) this.#stream.write(bytes);
  }

  async close(): Promise<void> {
    this.#stream.destroy();
    await this.#closed;
  }
}
