import { AppError } from '../../../../shared/errors';
import type { Disposable } from '../../event-bus';
import type { SerialPort } from '../../ports/serial-port';
import { ConsoleFrameDecoder } from './console-frame-decoder';
import { CONSOLE_MAX_PACKET_BYTES, encodeConsoleStream } from './console-frame-encoder';
import { CONSOLE_FRAME_MAX_BYTES } from './console-framing';
import { ListenerSet } from './listener-set';
import type { SmpTransport } from './smp-transport';

export interface SerialSmpTransportOptions {
  /** The device's serial reassembly limit, if known; Zephyr's is `CONFIG_MCUMGR_TRANSPORT_UART_MTU`. */
  maxPacketBytes?: number;
  /** Longest console frame to send and accept (protocols.md §1: 127 bytes). */
  maxFrameBytes?: number;
}

/**
 * SMP over a serial port with console framing (protocols.md §1, "Serial transport"): each packet is
 * sent as one contiguous write of its frames, and received bytes go through the streaming decoder,
 * which skips console text between frames.
 */
export class SerialSmpTransport implements SmpTransport {
  readonly description: string;
  readonly maxPacketBytes: number;
  readonly #port: SerialPort;
  readonly #maxFrameBytes: number;
  readonly #decoder: ConsoleFrameDecoder;
  readonly #packets = new ListenerSet<[Uint8Array]>();
  readonly #faults = new ListenerSet<[AppError]>();
  readonly #closes = new ListenerSet<[AppError | undefined]>();
  readonly #subscriptions: Disposable[];

  constructor(port: SerialPort, options: SerialSmpTransportOptions = {}) {
    this.#port = port;
    this.description = `serial:${port.path}`;
    this.maxPacketBytes = Math.min(
      options.maxPacketBytes ?? CONSOLE_MAX_PACKET_BYTES,
      CONSOLE_MAX_PACKET_BYTES,
    );
    this.#maxFrameBytes = options.maxFrameBytes ?? CONSOLE_FRAME_MAX_BYTES;
    this.#decoder = new ConsoleFrameDecoder({
      maxFrameBytes: this.#maxFrameBytes,
      maxPacketBytes: this.maxPacketBytes,
    });
    this.#subscriptions = [
      port.onData((bytes) => this.#receive(bytes)),
      port.onClose((reason) => {
        for (const subscription of this.#subscriptions) subscription.dispose();
        this.#closes.emit(reason);
      }),
    ];
  }

  async send(packet: Uint8Array, signal?: AbortSignal): Promise<void> {
    if (packet.length > this.maxPacketBytes) {
      throw new AppError(
        'INVALID_INPUT',
        `SMP packet of ${packet.length} bytes exceeds the serial limit of ${this.maxPacketBytes}`,
      );
    }
    await this.#port.write(encodeConsoleStream(packet, this.#maxFrameBytes), signal);
  }

  onPacket(listener: (packet: Uint8Array) => void): Disposable {
    return this.#packets.add(listener);
  }

  onFault(listener: (error: AppError) => void): Disposable {
    return this.#faults.add(listener);
  }

  onClose(listener: (reason: AppError | undefined) => void): Disposable {
    return this.#closes.add(listener);
  }

  async close(): Promise<void> {
    await this.#port.close();
  }

  #receive(bytes: Uint8Array): void {
    for (const event of this.#decoder.push(bytes)) {
      if (event.kind === 'packet') this.#packets.emit(event.packet);
      else this.#faults.emit(event.error);
    }
  }
}
