import { AppError } from '../../../../shared/errors';
import type { UsbDeviceHandle } from '../../ports/usb-bus';
import { encodeDfuRequest, type DfuRequest } from './dfu-requests';
import { decodeDfuState, decodeDfuStatus, type DfuStatusReport } from './dfu-status';
import type { DfuStateValue } from './dfu-protocol';

/** How long one DFU control transfer may take before it is TIMEOUT (dfu-util uses 5 s). */
export const DFU_REQUEST_TIMEOUT_MS = 5_000;

/**
 * The DFU class requests (protocols.md §3) to one interface of an open device. Each method is one
 * control transfer; sequencing (polling, recovery) is the caller's. A stall arrives as DEVICE_REJECTED
 * with `details.isStall`: the device has moved to dfuERROR and GETSTATUS says why.
 */
export class DfuInterfaceClient {
  constructor(
    readonly handle: UsbDeviceHandle,
    readonly interfaceNumber: number,
    readonly requestTimeoutMs: number = DFU_REQUEST_TIMEOUT_MS,
  ) {}

  async detach(detachTimeoutMs: number, signal?: AbortSignal): Promise<void> {
    await this.#send({ kind: 'detach', detachTimeoutMs }, signal);
  }

  /** DFU_DNLOAD of one block; an empty block tells the device the download is complete. */
  async download(blockNumber: number, data: Uint8Array, signal?: AbortSignal): Promise<void> {
    await this.#send({ kind: 'download', blockNumber: blockNumber & 0xffff, data }, signal);
  }

  /** DFU_UPLOAD of one block; a reply shorter than `lengthBytes` is the end of the readable image. */
  async upload(blockNumber: number, lengthBytes: number, signal?: AbortSignal): Promise<Uint8Array> {
    return this.#send({ kind: 'upload', blockNumber: blockNumber & 0xffff, lengthBytes }, signal);
  }

  async getStatus(signal?: AbortSignal): Promise<DfuStatusReport> {
    return decodeDfuStatus(await this.#send({ kind: 'get-status' }, signal));
  }

  async getState(signal?: AbortSignal): Promise<DfuStateValue> {
    return decodeDfuState(await this.#send({ kind: 'get-state' }, signal));
  }

  async clearStatus(signal?: AbortSignal): Promise<void> {
    await this.#send({ kind: 'clear-status' }, signal);
  }

  async abort(signal?: AbortSignal): Promise<void> {
    await this.#send({ kind: 'abort' }, signal);
  }

  async #send(request: DfuRequest, signal: AbortSignal | undefined): Promise<Uint8Array> {
    const transfer = encodeDfuRequest(request, this.interfaceNumber);
    const options =
      signal === undefined
        ? { timeoutMs: this.requestTimeoutMs }
        : { timeoutMs: this.requestTimeoutMs, signal };
    try {
      if (transfer.direction === 'in')
        return await this.handle.controlTransferIn(transfer.setup, transfer.lengthBytes, options);
      await this.handle.controlTransferOut(transfer.setup, transfer.data, options);
      return new Uint8Array(0);
    } catch (error: unknown) {
      if (error instanceof AppError) {
        throw new AppError(error.code, `DFU ${request.kind}: ${error.message}`, {
          cause: error,
          details: { ...error.details, dfuRequest: request.kind },
        });
      }
      throw error;
    }
  }
}

/** True for the error a stalled control transfer produces (UsbBus contract). */
export function isStall(error: unknown): boolean {
  return error instanceof AppError && error.code === 'DEVICE_REJECTED' && error.details?.isStall === true;
}
