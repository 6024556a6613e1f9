import { AppError } from '../../shared/errors';
import type { Disposable } from '../../main/core/event-bus';
import type {
  UsbAvailability,
  UsbBus,
  UsbDeviceHandle,
  UsbDeviceInfo,
  UsbDeviceLocation,
} from '../../main/core/ports/usb-bus';
import { enumerate, type VirtualUsbConnection } from './virtual-usb-connection';
import type { VirtualUsbFunction, VirtualUsbPortLink } from './virtual-usb-function';
import { VirtualUsbHandle } from './virtual-usb-handle';

interface Socket {
  address: string;
  device: VirtualUsbFunction;
  connection: VirtualUsbConnection | undefined;
  ended: AbortController | undefined;
  rebootTimer: NodeJS.Timeout | undefined;
}

/**
 * A USB bus in memory that implements the core's UsbBus port, so drivers run unchanged against the
 * device lab. Devices plug into numbered ports of bus 1 (`1-1`, `1-2`, …), get a device number at each
 * enumeration, and can drop off and come back with a new identity (a DFU bootloader rebooting into its
 * application). One instance per test; `close()` unplugs everything and stops every timer.
 */
export class VirtualUsbBus implements UsbBus {
  readonly #sockets = new Map<string, Socket>();
  readonly #attachListeners = new Set<(device: UsbDeviceInfo) => void>();
  readonly #detachListeners = new Set<(device: UsbDeviceInfo) => void>();
  #lastDeviceNumber = 0;
  #lastPort = 0;

  /** Plugs a device in and enumerates it at once; returns its bus-port address. */
  plug(device: VirtualUsbFunction, address = `1-${++this.#lastPort}`): string {
    if (this.#sockets.has(address))
      throw new AppError('ALREADY_EXISTS', `something is already plugged into ${address}`);
    const socket: Socket = {
      address,
      device,
      connection: undefined,
      ended: undefined,
      rebootTimer: undefined,
    };
    this.#sockets.set(address, socket);
    this.#connect(socket);
    return address;
  }

  /** Pulls the device out of `address` (mid-transfer if need be). */
  unplug(address: string): void {
    const socket = this.#sockets.get(address);
    if (socket === undefined) return;
    clearTimeout(socket.rebootTimer);
    this.#disconnect(socket, 'unplugged');
    this.#sockets.delete(address);
  }

  /** The current enumeration at `address`, for tests that assert on descriptor problems. */
  connectionAt(address: string): VirtualUsbConnection | undefined {
    return this.#sockets.get(address)?.connection;
  }

  close(): void {
    for (const address of [...this.#sockets.keys()]) this.unplug(address);
    this.#attachListeners.clear();
    this.#detachListeners.clear();
  }

  availability(): Promise<UsbAvailability> {
    return Promise.resolve({ isAvailable: true });
  }

  list(): Promise<UsbDeviceInfo[]> {
    return Promise.resolve(
      [...this.#sockets.values()].flatMap((socket) => (socket.connection ? [socket.connection.info] : [])),
    );
  }

  onAttach(listener: (device: UsbDeviceInfo) => void): Disposable {
    this.#attachListeners.add(listener);
    return { dispose: () => this.#attachListeners.delete(listener) };
  }

  onDetach(listener: (device: UsbDeviceInfo) => void): Disposable {
    this.#detachListeners.add(listener);
    return { dispose: () => this.#detachListeners.delete(listener) };
  }

  open(location: UsbDeviceLocation, signal?: AbortSignal): Promise<UsbDeviceHandle> {
    if (signal?.aborted === true) return Promise.reject(new AppError('CANCELLED', 'Cancelled'));
    const connection = this.#sockets.get(location.address)?.connection;
    if (connection === undefined || connection.info.deviceNumber !== location.deviceNumber) {
      return Promise.reject(
        new AppError(
          'NOT_FOUND',
          `no USB device ${location.deviceNumber} at ${location.address} (unplugged or re-enumerated)`,
        ),
      );
    }
    return Promise.resolve(new VirtualUsbHandle(connection));
  }

  #connect(socket: Socket): void {
    const ended = new AbortController();
    const link: VirtualUsbPortLink = {
      address: socket.address,
      reenumerate: (afterMs) => this.#reenumerate(socket, ended.signal, afterMs),
      unplug: () => {
        if (!ended.signal.aborted) this.unplug(socket.address);
      },
    };
    socket.ended = ended;
    // Power comes up first, then the host enumerates whatever identity the device booted into.
    socket.device.attached(link);
    socket.connection = enumerate(
      socket.device,
      { address: socket.address, deviceNumber: this.#nextDeviceNumber() },
      ended.signal,
    );
    const info = socket.connection.info;
    for (const listener of [...this.#attachListeners]) listener(info);
  }

  #disconnect(socket: Socket, why: string): void {
    const connection = socket.connection;
    if (connection === undefined || socket.ended === undefined) return;
    socket.connection = undefined;
    socket.ended.abort(new AppError('TRANSPORT_CLOSED', `USB device ${socket.address} ${why}`));
    socket.device.detached();
    for (const listener of [...this.#detachListeners]) listener(connection.info);
  }

  /** The device drops off now and enumerates again after `afterMs`, unless it is unplugged meanwhile. */
  #reenumerate(socket: Socket, enumeration: AbortSignal, afterMs: number): void {
    if (enumeration.aborted || this.#sockets.get(socket.address) !== socket) return;
    this.#disconnect(socket, 're-enumerated');
    socket.rebootTimer = setTimeout(() => {
      socket.rebootTimer = undefined;
      if (this.#sockets.get(socket.address) === socket) this.#connect(socket);
    }, afterMs);
  }

  /** Device numbers run 1–127 and skip those in use, as a host controller assigns them. */
  #nextDeviceNumber(): number {
    const inUse = new Set(
      [...this.#sockets.values()].flatMap((socket) =>
        socket.connection ? [socket.connection.info.deviceNumber] : [],
      ),
    );
    do this.#lastDeviceNumber = (this.#lastDeviceNumber % 127) + 1;
    while (inUse.has(this.#lastDeviceNumber));
    return this.#lastDeviceNumber;
  }
}
