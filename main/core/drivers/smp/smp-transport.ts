import type { AppError } from '../../../../shared/errors';
import type { Disposable } from '../../event-bus';

/**
 * Carries whole SMP packets to one device and back: console framing over a serial port, or one packet
 * per datagram over UDP (protocols.md §1). The SMP client sees only this.
 */
export interface SmpTransport {
  /** Short description for logs, e.g. `serial:/dev/ttyACM0` or `udp:127.0.0.1:1337`. */
  readonly description: string;
  /** The largest whole SMP packet the transport itself can carry; the device's `buf_size` may be smaller. */
  readonly maxPacketBytes: number;
  send(packet: Uint8Array, signal?: AbortSignal): Promise<void>;
  /** Each whole packet received from the device, not yet decoded. */
  onPacket(listener: (packet: Uint8Array) => void): Disposable;
  /** Bytes that could not be turned into a packet (bad frame, CRC); informational, the link stays up. */
  onFault(listener: (error: AppError) => void): Disposable;
  /** Fires once when the link goes away: `undefined` after `close()`, an AppError when it was lost. */
  onClose(listener: (reason: AppError | undefined) => void): Disposable;
  close(): Promise<void>;
}
