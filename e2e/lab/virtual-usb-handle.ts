import { AppError } from '../../shared/errors';
import type { Disposable } from '../../main/core/event-bus';
import {
  USB_DIRECTION_IN,
  type UsbControlSetup,
  type UsbDeviceHandle,
  type UsbDeviceInfo,
  type UsbTransferOptions,
} from '../../main/core/ports/usb-bus';
import type { VirtualUsbConnection } from './virtual-usb-connection';
import type { VirtualUsbReply } from './virtual-usb-function';
import { answerStandardRequest } from './virtual-usb-standard-requests';
import { runVirtualTransfer } from './virtual-usb-transfer';

const RECIPIENT_INTERFACE = 0x01;
const TYPE_STANDARD = 0x00;

/** An open simulated device: control transfers go to the device's USB stack or its firmware (VirtualUsbFunction). */
export class VirtualUsbHandle implements UsbDeviceHandle {
  readonly device: UsbDeviceInfo;
  readonly #connection: VirtualUsbConnection;
  readonly #closed = new AbortController();
  readonly #lifetime: AbortSignal;
  readonly #closeListeners = new Set<(reason: AppError | undefined) => void>();
  readonly #claimed = new Set<number>();

  constructor(connection: VirtualUsbConnection) {
    this.#connection = connection;
    this.device = connection.info;
    this.#lifetime = AbortSignal.any([connection.lifetime, this.#closed.signal]);
    this.#lifetime.addEventListener('abort', () => this.#ended(), { once: true });
  }

  claimInterface(interfaceNumber: number): Promise<void> {
    return Promise.resolve().then(() => {
      this.#throwIfClosed();
      if (!this.device.configuration.interfaces.some((entry) => entry.interfaceNumber === interfaceNumber)) {
        throw new AppError('NOT_FOUND', `device ${this.device.address} has no interface ${interfaceNumber}`);
      }
      const owner = this.#connection.claims.get(interfaceNumber);
      if (owner !== undefined && owner !== this)
        throw new AppError('PORT_UNAVAILABLE', `interface ${interfaceNumber} is claimed by another handle`);
      this.#connection.claims.set(interfaceNumber, this);
      this.#claimed.add(interfaceNumber);
    });
  }

  async selectAlternateSetting(
    interfaceNumber: number,
    alternateSetting: number,
    options: UsbTransferOptions,
  ): Promise<void> {
    this.#throwIfClosed();
    if (!this.#claimed.has(interfaceNumber))
      throw new AppError('INVALID_INPUT', `claim interface ${interfaceNumber} before selecting a setting`);
    const exists = this.device.configuration.interfaces.some(
      (entry) => entry.interfaceNumber === interfaceNumber && entry.alternateSetting === alternateSetting,
    );
    await this.#run(
      () => Promise.resolve<VirtualUsbReply>(exists ? { kind: 'ack' } : { kind: 'stall' }),
      options,
    );
  }

  async controlTransferIn(
    setup: UsbControlSetup,
    lengthBytes: number,
    options: UsbTransferOptions,
  ): Promise<Uint8Array> {
    checkSetup(setup, 'in', lengthBytes);
    const reply = await this.#run(() => this.#deliver(setup, lengthBytes, new Uint8Array(0)), options);
    if (reply.kind !== 'data')
      throw new AppError('DEVICE_PROTOCOL', 'the device acknowledged an IN transfer without a data stage');
    if (reply.data.length > lengthBytes)
      throw new AppError(
        'DEVICE_PROTOCOL',
        `the device sent ${reply.data.length} bytes for wLength ${lengthBytes}`,
      );
    return reply.data;
  }

  async controlTransferOut(
    setup: UsbControlSetup,
    data: Uint8Array,
    options: UsbTransferOptions,
  ): Promise<void> {
    checkSetup(setup, 'out', data.length);
    await this.#run(() => this.#deliver(setup, data.length, data.slice()), options);
  }

  async reset(options: UsbTransferOptions): Promise<void> {
    this.#throwIfClosed();
    await this.#run(() => {
      this.#connection.function.busReset();
      return Promise.resolve<VirtualUsbReply>({ kind: 'ack' });
    }, options);
  }

  onClose(listener: (reason: AppError | undefined) => void): Disposable {
    this.#closeListeners.add(listener);
    return { dispose: () => this.#closeListeners.delete(listener) };
  }

  close(): Promise<void> {
    if (!this.#closed.signal.aborted) this.#closed.abort();
    return Promise.resolve();
  }

  #deliver(setup: UsbControlSetup, length: number, data: Uint8Array): Promise<VirtualUsbReply> {
    const packet = { ...setup, length };
    if ((setup.requestType & 0x60) === TYPE_STANDARD) {
      return Promise.resolve(
        answerStandardRequest(packet, this.#connection.descriptors) ?? { kind: 'stall' },
      );
    }
    const isForInterface = (setup.requestType & 0x1f) === RECIPIENT_INTERFACE;
    if (
      isForInterface &&
      !this.device.configuration.interfaces.some((entry) => entry.interfaceNumber === (setup.index & 0xff))
    ) {
      return Promise.resolve({ kind: 'stall' });
    }
    return this.#connection.function.control(packet, data);
  }

  async #run(start: () => Promise<VirtualUsbReply>, options: UsbTransferOptions): Promise<VirtualUsbReply> {
    const reply = await runVirtualTransfer(start, options, this.#lifetime);
    if (reply.kind === 'stall')
      throw new AppError('DEVICE_REJECTED', 'the device stalled the request', { details: { isStall: true } });
    return reply;
  }

  #throwIfClosed(): void {
    if (this.#lifetime.aborted)
      throw new AppError('TRANSPORT_CLOSED', `USB device ${this.device.address} is closed`);
  }

  #ended(): void {
    for (const interfaceNumber of this.#claimed) {
      if (this.#connection.claims.get(interfaceNumber) === this)
        this.#connection.claims.delete(interfaceNumber);
    }
    const reason = this.#closed.signal.aborted
      ? undefined
      : new AppError('TRANSPORT_CLOSED', `USB device ${this.device.address} left the bus`);
    for (const listener of [...this.#closeListeners]) listener(reason);
    this.#closeListeners.clear();
  }
}

function checkSetup(setup: UsbControlSetup, direction: 'in' | 'out', lengthBytes: number): void {
  const isIn = (setup.requestType & USB_DIRECTION_IN) !== 0;
  if (isIn !== (direction === 'in'))
    throw new AppError(
      'INVALID_INPUT',
      `bmRequestType 0x${setup.requestType.toString(16)} does not match an ${direction.toUpperCase()} transfer`,
    );
  for (const [name, value, max] of [
    ['bmRequestType', setup.requestType, 0xff],
    ['bRequest', setup.request, 0xff],
    ['wValue', setup.value, 0xffff],
    ['wIndex', setup.index, 0xffff],
    ['wLength', lengthBytes, 0xffff],
  ] as const) {
    if (!Number.isInteger(value) || value < 0 || value > max)
      throw new AppError('INVALID_INPUT', `${name} ${value} is out of range`);
  }
}
