import type { AppError } from '../../../shared/errors';
import type { Disposable } from '../event-bus';

/**
 * The serial ports of this machine, as the core sees them. The real adapter wraps `serialport`
 * (main/adapters/serial); the device lab exposes simulated devices on pseudo-terminals that the same
 * adapter opens. No `serialport` type crosses this interface.
 */
export interface SerialPorts {
  /** Ports the operating system lists now (USB-serial bridges, ACM devices, built-in UARTs). */
  list(signal?: AbortSignal): Promise<SerialPortInfo[]>;
  /**
   * Opens a port with the given line settings. Fails with NOT_FOUND when the path does not exist and
   * TRANSPORT_CLOSED when the operating system refuses it (busy, no permission).
   */
  open(path: string, settings: SerialLineSettings, signal?: AbortSignal): Promise<SerialPort>;
}

/** What the operating system reports about a port; every field but `path` may be absent. */
export interface SerialPortInfo {
  path: string;
  manufacturer?: string;
  serialNumber?: string;
  /** USB vendor and product ids as four lower-case hex digits, when the port is a USB device. */
  vendorId?: string;
  productId?: string;
}

/** Line settings; 8N1 unless said otherwise. A pseudo-terminal accepts any baud rate and ignores it. */
export interface SerialLineSettings {
  baudRate: number;
  dataBits?: 7 | 8;
  parity?: 'none' | 'even' | 'odd';
  stopBits?: 1 | 2;
}

/** Modem-control lines; a line left undefined keeps its state. */
export interface SerialControlLines {
  dtr?: boolean;
  rts?: boolean;
}

/**
 * The outcome of setting modem-control lines. Pseudo-terminals and some bridges have no such lines
 * (the ioctl fails with "Inappropriate ioctl for device", protocols.md §9): that is `not-supported`,
 * not an error, so a driver can fall back (e.g. ask the user to press reset).
 */
export type ControlLinesOutcome = 'applied' | 'not-supported';

/** One open serial port. Bytes flow as soon as it is open; bytes that arrive with no listener are dropped. */
export interface SerialPort {
  readonly path: string;
  /** Resolves once the bytes are handed to the operating system. Fails with TRANSPORT_CLOSED once closed. */
  write(bytes: Uint8Array, signal?: AbortSignal): Promise<void>;
  /** Received bytes, in order, in chunks of whatever size the operating system delivered. */
  onData(listener: (bytes: Uint8Array) => void): Disposable;
  /** Fires once when the port closes: `undefined` after `close()`, an AppError when it was lost (unplugged). */
  onClose(listener: (reason: AppError | undefined) => void): Disposable;
  setControlLines(lines: SerialControlLines): Promise<ControlLinesOutcome>;
  /** Closes the port; safe to call more than once. */
  close(): Promise<void>;
}
