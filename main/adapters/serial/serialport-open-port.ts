import type { SerialPort as NodeSerialPort } from 'serialport';
import { AppError } from '../../../shared/errors';
import type { Disposable } from '../../core/event-bus';
import type { ControlLinesOutcome, SerialControlLines, SerialPort } from '../../core/ports/serial-port';

/** Modem-control ioctls on a pseudo-terminal or a line-less bridge (protocols.md §9). */
const CONTROL_LINES_UNSUPPORTED = /inappropriate ioctl|not supported|ENOTTY|ENOTSUP|EINVAL/i;

/** One open `serialport` port behind the SerialPort interface. */
export class SerialportOpenPort implements SerialPort {
  readonly path: string;
  readonly #port: NodeSerialPort;
  readonly #closed: Promise<void>;
  #closeReason: AppError | undefined;
  #isClosed = false;

  constructor(path: string, port: NodeSerialPort) {
    this.path = path;
    this.#port = port;
    // serialport passes a DisconnectedError when the device went away, null after close().
    this.#closed = new Promise<void>((resolve) => {
      port.once('close', (error: Error | null) => {
        this.#isClosed = true;
        if (error)
          this.#closeReason = new AppError(
            'TRANSPORT_CLOSED',
            `Serial port ${path} was lost: ${error.message}`,
            { cause: error },
          );
        resolve();
      });
    });
    // Errors after open (write failures) also surface through write callbacks; keep them from crashing.
    port.on('error', () => undefined);
  }

  write(bytes: Uint8Array, signal?: AbortSignal): Promise<void> {
    if (this.#isClosed) return Promise.reject(this.#closedError());
    if (signal?.aborted)
      return Promise.reject(new AppError('CANCELLED', `Write to ${this.path} was cancelled`));
    return new Promise<void>((resolve, reject) => {
      this.#port.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), (error) => {
        if (error)
          reject(
            this.#isClosed
              ? this.#closedError()
              : new AppError('TRANSPORT_CLOSED', `Write to ${this.path} failed: ${error.message}`, {
                  cause: error,
                }),
          );
        else resolve();
      });
    });
  }

  onData(listener: (bytes: Uint8Array) => void): Disposable {
    const handler = (chunk: Buffer): void =>
      listener(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    this.#port.on('data', handler);
    return { dispose: () => this.#port.off('data', handler) };
  }

  onClose(listener: (reason: AppError | undefined) => void): Disposable {
    let isSubscribed = true;
    void this.#closed.then(() => {
      if (isSubscribed) listener(this.#closeReason);
    });
    return { dispose: () => (isSubscribed = false) };
  }

  setControlLines(lines: SerialControlLines): Promise<ControlLinesOutcome> {
    if (this.#isClosed) return Promise.reject(this.#closedError());
    const flags: { dtr?: boolean; rts?: boolean } = {};
    if (lines.dtr !== undefined) flags.dtr = lines.dtr;
    if (lines.rts !== undefined) flags.rts = lines.rts;
    return new Promise<ControlLinesOutcome>((resolve, reject) => {
      this.#port.set(flags, (error) => {
        if (!error) resolve('applied');
        else if (CONTROL_LINES_UNSUPPORTED.test(error.message)) resolve('not-supported');
        else
          reject(
            new AppError(
              'TRANSPORT_CLOSED',
              `Setting control lines on ${this.path} failed: ${error.message}`,
              { cause: error },
            ),
          );
      });
    });
  }

  async close(): Promise<void> {
    if (!this.#isClosed && this.#port.isOpen) {
      await new Promise<void>((resolve) => this.#port.close(() => resolve()));
    }
    await this.#closed;
  }

  #closedError(): AppError {
    return this.#closeReason ?? new AppError('TRANSPORT_CLOSED', `Serial port ${this.path} is closed`);
  }
}
