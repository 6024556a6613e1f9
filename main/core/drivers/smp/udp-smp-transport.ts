import { AppError } from '../../../../shared/errors';
import type { Disposable } from '../../event-bus';
import type { DatagramEndpoint, DatagramSocket } from '../../ports/datagram';
import { ListenerSet } from './listener-set';
import type { SmpTransport } from './smp-transport';

/** Default SMP UDP port and MTU (protocols.md §1, "UDP transport"). */
export const SMP_UDP_DEFAULT_PORT = 1337;
export const SMP_UDP_DEFAULT_MTU_BYTES = 1500;

export interface UdpSmpTransportOptions {
  /** Largest datagram the device accepts (`CONFIG_MCUMGR_TRANSPORT_UDP_MTU`); 1500 by default. */
  mtuBytes?: number;
}

/**
 * SMP over UDP (protocols.md §1, "UDP transport"): one raw SMP packet per datagram, no framing, no CRC.
 * Datagrams from anyone but the device are ignored.
 */
export class UdpSmpTransport implements SmpTransport {
  readonly description: string;
  readonly maxPacketBytes: number;
  readonly #socket: DatagramSocket;
  readonly #device: DatagramEndpoint;
  readonly #packets = new ListenerSet<[Uint8Array]>();
  readonly #faults = new ListenerSet<[AppError]>();
  readonly #closes = new ListenerSet<[AppError | undefined]>();
  readonly #subscriptions: Disposable[];

  constructor(socket: DatagramSocket, device: DatagramEndpoint, options: UdpSmpTransportOptions = {}) {
    this.#socket = socket;
    this.#device = device;
    this.description = `udp:${device.address}:${device.port}`;
    this.maxPacketBytes = options.mtuBytes ?? SMP_UDP_DEFAULT_MTU_BYTES;
    this.#subscriptions = [
      socket.onMessage((bytes, from) => {
        if (from.address === device.address && from.port === device.port) this.#packets.emit(bytes);
      }),
      socket.onClose((reason) => {
        for (const subscription of this.#subscriptions) subscription.dispose();
        this.#closes.emit(reason);
      }),
    ];
  }

  async send(packet: Uint8Array, signal?: AbortSignal): Promise<void> {
    if (packet.length > this.maxPacketBytes) {
      throw new AppError(
        'INVALID_INPUT',
        `SMP packet of ${packet.length} bytes exceeds the UDP MTU of ${this.maxPacketBytes}`,
      );
    }
    await this.#socket.send(packet, this.#device, signal);
  }

  onPacket(listener: (packet: Uint8Array) => void): Disposable {
    return this.#packets.add(listener);
  }

  /** UDP has no framing to fail; kept for the interface. */
  onFault(listener: (error: AppError) => void): Disposable {
    return this.#faults.add(listener);
  }

  onClose(listener: (reason: AppError | undefined) => void): Disposable {
    return this.#closes.add(listener);
  }

  async close(): Promise<void> {
    await this.#socket.close();
  }
}
