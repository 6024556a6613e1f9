import type {
  SerialLineSettings,
  SerialPort,
  SerialPortInfo,
  SerialPorts,
} from '../../core/ports/serial-port';
import { OsSerialPortList, type OsSerialPortListOptions } from './os-serial-port-list';
import { expandPathGlobs, parsePathGlob, type PathGlob } from './path-globs';

export interface DiscoverableSerialPortsOptions {
  /**
   * Absolute path patterns probed in addition to what the OS lists, e.g. the device lab's pty links
   * `/tmp/fieldline-lab/*\/*\/pty/app`; a pseudo-terminal appears in no OS list.
   */
  extraGlobs?: readonly string[];
  /**
   * Also offer OS-listed ports without USB metadata (built-in UARTs such as ttyS0–ttyS31, Bluetooth
   * ports). Off by default: Linux lists every ttyS whether or not anything is wired to it, and probing
   * writes SMP frames to whatever is there. Name such a port in `extraGlobs` to probe it.
   */
  includeNonUsbPorts?: boolean;
  /**
   * Called when the OS list fails (e.g. no udevadm), once per distinct failure rather than every poll;
   * the last good list and the globs are used meanwhile.
   */
  onListError?: (error: unknown) => void;
  osList?: OsSerialPortListOptions;
}

/**
 * The serial ports discovery should look at: USB serial ports the OS lists (with vendor, product and
 * serial number) plus whatever the configured patterns match now. Opening goes to the real adapter.
 */
export class DiscoverableSerialPorts implements SerialPorts {
  readonly #inner: SerialPorts;
  readonly #globs: PathGlob[];
  readonly #osList: OsSerialPortList;
  readonly #includeNonUsb: boolean;
  readonly #onListError: (error: unknown) => void;
  #lastOsPorts: SerialPortInfo[] = [];
  #lastErrorMessage: string | null = null;

  /** Throws INVALID_INPUT for a pattern that is not an absolute path. */
  constructor(inner: SerialPorts, options: DiscoverableSerialPortsOptions = {}) {
    this.#inner = inner;
    this.#globs = (options.extraGlobs ?? []).map(parsePathGlob);
    this.#osList = new OsSerialPortList((signal?: AbortSignal) => inner.list(signal), options.osList);
    this.#includeNonUsb = options.includeNonUsbPorts ?? false;
    this.#onListError = options.onListError ?? (() => undefined);
  }

  get patterns(): string[] {
    return this.#globs.map((glob) => glob.pattern);
  }

  async list(signal?: AbortSignal): Promise<SerialPortInfo[]> {
    signal?.throwIfAborted();
    const [osPorts, globbed] = await Promise.all([this.#listOs(), expandPathGlobs(this.#globs)]);
    const byPath = new Map<string, SerialPortInfo>();
    for (const path of globbed) byPath.set(path, { path });
    // The OS's entry wins for a path both name: it carries the USB metadata.
    for (const port of osPorts)
      if (this.#includeNonUsb || port.vendorId !== undefined) byPath.set(port.path, port);
    return [...byPath.values()];
  }

  open(path: string, settings: SerialLineSettings, signal?: AbortSignal): Promise<SerialPort> {
    return this.#inner.open(path, settings, signal);
  }

  async #listOs(): Promise<SerialPortInfo[]> {
    try {
      this.#lastOsPorts = await this.#osList.list();
      this.#lastErrorMessage = null;
    } catch (error: unknown) {
      const message = error instanceof Error ? error.message : String(error);
      if (message !== this.#lastErrorMessage) this.#onListError(error);
      this.#lastErrorMessage = message;
    }
    return this.#lastOsPorts;
  }
}
