import type { VirtualUsbReply, VirtualUsbSetupPacket } from '../../virtual-usb-function';
import { DfuBlockSequence } from './dfu-block-sequence';
import { BusyWindow } from './dfu-busy-window';
import { BOOTLOADER_DFU_INTERFACE } from './dfu-lab-descriptors';
import type { DfuLabDeviceConfig } from './dfu-lab-device-config';
import { DfuLabStateStore } from './dfu-lab-state-store';
import type { DfuLabTraffic } from './dfu-lab-traffic';
import { State, Status, statusReply } from './dfu-lab-wire';

const OUT = 0x21;
const IN = 0xa1;
const REQUEST_NAMES = ['DETACH', 'DNLOAD', 'UPLOAD', 'GETSTATUS', 'CLRSTATUS', 'GETSTATE', 'ABORT'] as const;
const ABORTABLE: readonly number[] = [
  State.IDLE,
  State.DNLOAD_SYNC,
  State.DNLOAD_IDLE,
  State.MANIFEST_SYNC,
  State.UPLOAD_IDLE,
];

/**
 * The DFU-mode half of the lab device (protocols.md §3): the DFU 1.1 state machine from dfuIDLE to
 * dfuMANIFEST-WAIT-RESET, with DNLOAD blocks programmed into the state folder's flash while the device
 * reports dfuDNBUSY for the announced bwPollTimeout. Anything out of order stalls and enters dfuERROR.
 */
export class DfuBootloader {
  state: number = State.IDLE;
  status: number = Status.OK;
  #pendingBlock: { offset: number; data: Uint8Array } | undefined;
  readonly #downloaded = new DfuBlockSequence();
  readonly #uploaded = new DfuBlockSequence();
  #busy: BusyWindow | undefined;

  constructor(
    readonly config: DfuLabDeviceConfig,
    readonly store: DfuLabStateStore,
    readonly traffic: DfuLabTraffic,
    readonly events: { onWaitingForReset(): void; onManifesting(manifestMs: number): void },
  ) {}

  /** Resolves when the flash work in progress (a block, a manifestation) has reached the state folder. */
  async settled(): Promise<void> {
    await this.#busy?.done;
  }

  get downloadedBytes(): number {
    return this.#downloaded.offsetBytes;
  }

  async handle(setup: VirtualUsbSetupPacket, data: Uint8Array): Promise<VirtualUsbReply> {
    const name = REQUEST_NAMES[setup.request] ?? `request ${setup.request}`;
    this.traffic.count(name);
    if ((setup.requestType !== OUT && setup.requestType !== IN) || setup.index !== BOOTLOADER_DFU_INTERFACE)
      return this.#stall();
    const isIn = setup.requestType === IN;
    const busyReply = this.#whileBusy(name, isIn, setup.length);
    if (busyReply !== undefined) return busyReply;
    if (name === 'GETSTATUS' && isIn && setup.length >= 6) return this.#getStatus();
    if (name === 'GETSTATE' && isIn && setup.length >= 1)
      return { kind: 'data', data: Uint8Array.of(this.state) };
    if (this.state === State.ERROR)
      return name === 'CLRSTATUS' && !isIn ? this.#toIdle() : this.#stall(this.status);
    if (name === 'DNLOAD' && !isIn) return this.#download(setup.value, data);
    if (name === 'UPLOAD' && isIn) return this.#upload(setup.value, setup.length);
    if (name === 'ABORT' && !isIn && ABORTABLE.includes(this.state)) return this.#toIdle();
    return this.#stall();
  }

  /** dfuDNBUSY and dfuMANIFEST take no requests but GETSTATUS/GETSTATE, and those only from lenient devices. */
  #whileBusy(name: string, isIn: boolean, length: number): VirtualUsbReply | undefined {
    const busy = this.#busy;
    if (busy === undefined) return undefined;
    if (busy.isOver()) {
      this.#busy = undefined;
      if (busy.failure !== undefined) {
        this.state = State.ERROR;
        this.status = Status.errWRITE;
        return undefined;
      }
      if (this.state === State.DNBUSY) this.state = State.DNLOAD_SYNC;
      if (this.state === State.MANIFEST)
        this.state = this.config.isManifestationTolerant ? State.IDLE : State.MANIFEST_WAIT_RESET;
      return undefined;
    }
    const isEarly = busy.isEarly();
    if (isEarly) this.traffic.earlyPolls += name === 'GETSTATUS' ? 1 : 0;
    if (name === 'GETSTATE' && isIn && length >= 1 && !this.config.isStrictAboutEarlyPolls)
      return { kind: 'data', data: Uint8Array.of(this.state) };
    if (name !== 'GETSTATUS' || !isIn || length < 6 || (isEarly && this.config.isStrictAboutEarlyPolls))
      return this.#stall();
    return this.#statusData(busy.remainingMs());
  }

  #getStatus(): VirtualUsbReply {
    if (this.state === State.DNLOAD_SYNC && this.#pendingBlock !== undefined) {
      const block = this.#pendingBlock;
      this.#pendingBlock = undefined;
      const announcedMs = Math.ceil((block.data.length / 1024) * this.config.flashMsPerKiB);
      this.#busy = new BusyWindow(announcedMs, announcedMs * (this.config.faults.slowFlashFactor ?? 1), () =>
        this.store.program(block.offset, block.data),
      );
      this.state = State.DNBUSY;
      return this.#statusData(announcedMs);
    }
    if (this.state === State.DNLOAD_SYNC) this.state = State.DNLOAD_IDLE;
    if (this.state === State.MANIFEST_SYNC) return this.#startManifestation();
    if (this.state === State.MANIFEST_WAIT_RESET) this.events.onWaitingForReset();
    return this.#statusData(0);
  }

  async #download(blockNumber: number, data: Uint8Array): Promise<VirtualUsbReply> {
    if (this.state !== State.IDLE && this.state !== State.DNLOAD_IDLE) return this.#stall();
    if (data.length > this.config.transferSizeBytes) return this.#stall(Status.errSTALLEDPKT);
    if (data.length === 0) {
      if (this.state === State.IDLE) return this.#stall(Status.errNOTDONE);
      this.state = State.MANIFEST_SYNC;
      return { kind: 'ack' };
    }
    if (this.state === State.IDLE) await this.#startDownload();
    if (!this.#downloaded.isNext(blockNumber)) return this.#stall(Status.errADDRESS);
    if (this.#downloaded.offsetBytes + data.length > this.config.flashBytes)
      return this.#stall(Status.errADDRESS);
    this.#pendingBlock = { offset: this.#downloaded.advance(data.length), data };
    this.traffic.bytesReceived += data.length;
    this.state = State.DNLOAD_SYNC;
    return { kind: 'ack' };
  }

  /** The first block erases the application: until manifestation the flash holds no valid image. */
  async #startDownload(): Promise<void> {
    this.#downloaded.restart();
    this.store.boot = { ...this.store.boot, isImageValid: false, imageBytes: 0, imageSha256: '' };
    await this.store.saveBoot();
  }

  #startManifestation(): VirtualUsbReply {
    const imageBytes = this.#downloaded.offsetBytes;
    this.#busy = new BusyWindow(this.config.manifestMs, this.config.manifestMs, async () => {
      const image = await this.store.read(0, imageBytes);
      this.store.boot = {
        ...this.store.boot,
        isImageValid: true,
        imageBytes,
        imageSha256: DfuLabStateStore.sha256(image),
      };
      await this.store.saveBoot();
    });
    this.state = State.MANIFEST;
    this.events.onManifesting(this.config.manifestMs);
    return this.#statusData(this.config.manifestMs);
  }

  async #upload(blockNumber: number, length: number): Promise<VirtualUsbReply> {
    if (!this.config.canUpload || (this.state !== State.IDLE && this.state !== State.UPLOAD_IDLE))
      return this.#stall();
    if (length > this.config.transferSizeBytes) return this.#stall(Status.errSTALLEDPKT);
    if (this.state === State.IDLE) this.#uploaded.restart();
    if (!this.#uploaded.isNext(blockNumber)) return this.#stall(Status.errADDRESS);
    const count = Math.min(length, this.config.flashBytes - this.#uploaded.offsetBytes);
    const data = await this.store.read(this.#uploaded.advance(count), count);
    this.state = count < length ? State.IDLE : State.UPLOAD_IDLE;
    return { kind: 'data', data };
  }

  #toIdle(): VirtualUsbReply {
    this.state = State.IDLE;
    this.status = Status.OK;
    this.#pendingBlock = undefined;
    return { kind: 'ack' };
  }

  #stall(status: number = Status.errSTALLEDPKT): VirtualUsbReply {
    this.traffic.stalls += 1;
    return this.#enterError(status);
  }

  #enterError(status: number): VirtualUsbReply {
    if (this.state !== State.ERROR) this.status = status;
    this.state = State.ERROR;
    this.#busy = undefined;
    return { kind: 'stall' };
  }

  #statusData(pollTimeoutMs: number): VirtualUsbReply {
    this.traffic.statusPolls += 1;
    return {
      kind: 'data',
      data: statusReply(
        this.status,
        pollTimeoutMs,
        this.state,
        this.traffic,
        this.config.faults.corruptStatus,
      ),
    };
  }
}
