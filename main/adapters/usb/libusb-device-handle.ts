import type { Device } from 'usb';
import { AppError } from '../../../shared/errors';
import type { Disposable } from '../../core/event-bus';
import type { Logger } from '../../core/ports/logger';
import {
  USB_DIRECTION_IN,
  type UsbControlSetup,
  type UsbDeviceHandle,
  type UsbDeviceInfo,
  type UsbTransferOptions,
} from '../../core/ports/usb-bus';
import { toUsbAppError } from './libusb-error';

/**
 * One device opened through node-usb. node-usb cannot cancel a control transfer, so an abort rejects
 * at once and the late completion is dropped; libusb's own timeout (set per transfer) ends it on the
 * device side.
 */
export class LibusbDeviceHandle implements UsbDeviceHandle {
  readonly #claimed = new Set<number>();
  readonly #closeListeners = new Set<(reason: AppError | undefined) => void>();
  #isClosed = false;

  constructor(
    readonly device: UsbDeviceInfo,
    private readonly usbDevice: Device,
    private readonly logger: Logger,
  ) {}

  claimInterface(interfaceNumber: number): Promise<void> {
    return this.#guard('claim interface', () => {
      const usbInterface = this.usbDevice.interface(interfaceNumber);
      // Linux binds a kernel driver to some classes; libusb must detach it before claiming.
      if (process.platform === 'linux' && usbInterface.isKernelDriverActive())
        usbInterface.detachKernelDriver();
      usbInterface.claim();
      this.#claimed.add(interfaceNumber);
    });
  }

  selectAlternateSetting(
    interfaceNumber: number,
    alternateSetting: number,
    options: UsbTransferOptions,
  ): Promise<void> {
    return this.#transfer('SET_INTERFACE', options, (done) =>
      this.usbDevice.interface(interfaceNumber).setAltSetting(alternateSetting, (error) => done(error)),
    ).then(() => undefined);
  }

  async controlTransferIn(
    setup: UsbControlSetup,
    lengthBytes: number,
    options: UsbTransferOptions,
  ): Promise<Uint8Array> {
    checkDirection(setup, true);
    const data = await this.#transfer('control IN', options, (done) =>
      this.usbDevice.controlTransfer(
        setup.requestType,
        setup.request,
        setup.value,
        setup.index,
        lengthBytes,
        (error, buffer) => done(error, buffer),
      ),
    );
    return data instanceof Buffer ? new Uint8Array(data) : new Uint8Array(0);
  }

  async controlTransferOut(
    setup: UsbControlSetup,
    data: Uint8Array,
    options: UsbTransferOptions,
  ): Promise<void> {
    checkDirection(setup, false);
    await this.#transfer('control OUT', options, (done) =>
      this.usbDevice.controlTransfer(
        setup.requestType,
        setup.request,
        setup.value,
        setup.index,
        Buffer.from(data),
        (error) => done(error),
      ),
    );
  }

  async reset(options: UsbTransferOptions): Promise<void> {
    await this.#transfer('reset', options, (done) => this.usbDevice.reset((error) => done(error)));
  }

  onClose(listener: (reason: AppError | undefined) => void): Disposable {
    this.#closeListeners.add(listener);
    return { dispose: () => this.#closeListeners.delete(listener) };
  }

  /** Called by the bus when the device detaches while open. */
  lost(): void {
    this.#end(new AppError('TRANSPORT_CLOSED', `USB device ${this.device.address} left the bus`));
  }

  async close(): Promise<void> {
    if (this.#isClosed) return;
    this.#isClosed = true;
    for (const interfaceNumber of this.#claimed) {
      await new Promise<void>((resolve) => {
        this.usbDevice.interface(interfaceNumber).release((error) => {
          if (error)
            this.logger.debug(
              { address: this.device.address, error: error.message },
              'releasing the interface failed',
            );
          resolve();
        });
      });
    }
    try {
      this.usbDevice.close();
    } catch (error: unknown) {
      this.logger.debug(
        { address: this.device.address, error: String(error) },
        'closing the USB device failed (it may be gone)',
      );
    }
    this.#notifyClosed(undefined);
  }

  #end(reason: AppError | undefined): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#notifyClosed(reason);
  }

  #notifyClosed(reason: AppError | undefined): void {
    for (const listener of [...this.#closeListeners]) listener(reason);
    this.#closeListeners.clear();
  }

  #guard(during: string, action: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.#isClosed)
        return reject(new AppError('TRANSPORT_CLOSED', `USB device ${this.device.address} is closed`));
      try {
        action();
        resolve();
      } catch (error: unknown) {
        reject(toUsbAppError(error, during));
      }
    });
  }

  #transfer(
    during: string,
    options: UsbTransferOptions,
    start: (done: (error?: unknown, data?: unknown) => void) => void,
  ): Promise<unknown> {
    const { signal } = options;
    return new Promise((resolve, reject) => {
      if (this.#isClosed)
        return reject(new AppError('TRANSPORT_CLOSED', `USB device ${this.device.address} is closed`));
      if (signal?.aborted === true) return reject(abortError(signal));
      const onAbort = (): void => reject(abortError(signal));
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = (error?: unknown, data?: unknown): void => {
        signal?.removeEventListener('abort', onAbort);
        if (error) reject(toUsbAppError(error, during));
        else resolve(data);
      };
      try {
        this.usbDevice.timeout = options.timeoutMs;
        start(done);
      } catch (error: unknown) {
        done(error);
      }
    });
  }
}

function checkDirection(setup: UsbControlSetup, isIn: boolean): void {
  if (((setup.requestType & USB_DIRECTION_IN) !== 0) !== isIn) {
    throw new AppError(
      'INVALID_INPUT',
      `bmRequestType 0x${setup.requestType.toString(16)} does not match an ${isIn ? 'IN' : 'OUT'} transfer`,
    );
  }
}

function abortError(signal: AbortSignal | undefined): AppError {
  const reason: unknown = signal?.reason;
  return reason instanceof AppError ? reason : new AppError('CANCELLED', 'Cancelled', { cause: reason });
}
