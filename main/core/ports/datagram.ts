import type { AppError } from '../../../shared/errors';
import type { Disposable } from '../event-bus';

/**
 * UDP as the core sees it: SMP over UDP (protocols.md §1, "UDP transport") sends one raw SMP packet
 * per datagram. The real adapter wraps `node:dgram`; tests use the same adapter on 127.0.0.1.
 */
export interface DatagramNetwork {
  /** Binds a socket; port 0 (the default) lets the operating system choose. */
  bind(options: DatagramBindOptions, signal?: AbortSignal): Promise<DatagramSocket>;
}

export interface DatagramBindOptions {
  /** Local address; 127.0.0.1 for loopback, 0.0.0.0 for every IPv4 interface. */
  address: string;
  port?: number;
}

/** An IP address and UDP port. */
export interface DatagramEndpoint {
  address: string;
  port: number;
}

/** One bound UDP socket. */
export interface DatagramSocket {
  readonly local: DatagramEndpoint;
  /** Sends one datagram. Fails with TRANSPORT_CLOSED once closed, INVALID_INPUT when too large to send. */
  send(bytes: Uint8Array, to: DatagramEndpoint, signal?: AbortSignal): Promise<void>;
  /** Every datagram received, whole, with its sender. */
  onMessage(listener: (bytes: Uint8Array, from: DatagramEndpoint) => void): Disposable;
  /** Fires once when the socket closes: `undefined` after `close()`, an AppError when it failed. */
  onClose(listener: (reason: AppError | undefined) => void): Disposable;
  /** Closes the socket; safe to call more than once. */
  close(): Promise<void>;
}
