import type {
  VirtualUsbDescriptors,
  VirtualUsbFunction,
  VirtualUsbPortLink,
  VirtualUsbReply,
  VirtualUsbSetupPacket,
} from '../../virtual-usb-function';
import { DfuBootloader } from './dfu-bootloader';
import { bootloaderDescriptors, runtimeDescriptors } from './dfu-lab-descriptors';
import { dfuLabConfig, type DfuLabDeviceConfig, type DfuLabDeviceOptions } from './dfu-lab-device-config';
import { DfuLabStateStore } from './dfu-lab-state-store';
import { DfuLabTraffic } from './dfu-lab-traffic';
import { DfuRuntimeFirmware } from './dfu-runtime-firmware';

/**
 * A simulated device with a USB DFU 1.1 bootloader (protocols.md §3) for the virtual USB bus. It boots
 * its application (run-time identity: `runtimeProductId`, a DFU run-time interface) when flash holds a
 * valid image, else its bootloader (`dfuProductId`, DFU-mode interface); both share the serial number.
 * DETACH plus a bus reset, or a reset after manifestation, reboot it into the other identity.
 * Plug it into a VirtualUsbBus; `stop()` waits for its flash writes after the bus is closed.
 */
export class DfuLabDevice implements VirtualUsbFunction {
  readonly traffic = new DfuLabTraffic();
  /** Errors the simulation itself hit (a state folder that vanished); tests assert it stays empty. */
  readonly faults: string[] = [];
  mode: 'dfu' | 'runtime' = 'dfu';
  #link: VirtualUsbPortLink | undefined;
  #bootloader: DfuBootloader | undefined;
  #runtime: DfuRuntimeFirmware | undefined;
  #shouldStayInBootloader = false;
  #isDeaf = false;
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #work = new Set<Promise<void>>();
  readonly #firedFaults = new Set<string>();
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly config: DfuLabDeviceConfig,
    readonly store: DfuLabStateStore,
  ) {}

  /** Opens (or creates) the state folder; the device powers on when it is plugged into a bus. */
  static async create(options: DfuLabDeviceOptions): Promise<DfuLabDevice> {
    const config = dfuLabConfig(options);
    return new DfuLabDevice(config, await DfuLabStateStore.open(config.stateDir, config.serialNumber));
  }

  get bootCount(): number {
    return this.store.boot.bootCount;
  }

  descriptors(): VirtualUsbDescriptors {
    return this.mode === 'dfu'
      ? bootloaderDescriptors(this.config)
      : runtimeDescriptors(this.config, this.store.boot.imageSha256);
  }

  attached(link: VirtualUsbPortLink): void {
    this.#link = link;
    this.#isDeaf = false;
    this.store.boot = { ...this.store.boot, bootCount: this.store.boot.bootCount + 1 };
    this.mode = this.#shouldStayInBootloader || !this.store.boot.isImageValid ? 'dfu' : 'runtime';
    this.#shouldStayInBootloader = false;
    this.#bootloader = new DfuBootloader(this.config, this.store, this.traffic, {
      onWaitingForReset: () => undefined,
      onManifesting: (manifestMs) => {
        // Not manifestation tolerant but willing to detach: it resets itself once manifestation ends.
        if (!this.config.isManifestationTolerant && this.config.willDetach)
          this.#scheduleReboot(manifestMs, false);
      },
    });
    this.#runtime = new DfuRuntimeFirmware(this.config, this.traffic, () => this.#scheduleReboot(0, true));
    this.#track(this.store.saveBoot());
  }

  detached(): void {
    this.#link = undefined;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  /** Requests are handled one at a time, as a device's control endpoint does. */
  control(setup: VirtualUsbSetupPacket, data: Uint8Array): Promise<VirtualUsbReply> {
    const reply = this.#queue.then(() => this.#handle(setup, data));
    this.#queue = reply.catch(() => undefined);
    return reply;
  }

  busReset(): void {
    const isDetaching = this.mode === 'runtime' && this.#runtime?.isDetachPending() === true;
    this.#scheduleReboot(0, isDetaching);
  }

  /** Waits for flash writes and state saves still in flight (call after unplugging or closing the bus). */
  async stop(): Promise<void> {
    this.detached();
    while (this.#work.size > 0) await Promise.all([...this.#work]);
    await this.#bootloader?.settled();
  }

  async #handle(setup: VirtualUsbSetupPacket, data: Uint8Array): Promise<VirtualUsbReply> {
    if (this.#isDeaf) {
      this.traffic.unanswered += 1;
      return { kind: 'no-answer' };
    }
    if (this.mode === 'runtime' || this.#runtime === undefined || this.#bootloader === undefined) {
      return this.#runtime?.handle(setup) ?? { kind: 'no-answer' };
    }
    const reply = await this.#bootloader.handle(setup, data);
    this.#applyFaults(this.#bootloader.downloadedBytes);
    return reply;
  }

  /** The byte-count faults fire once per device instance, in the middle of the transfer that crosses them. */
  #applyFaults(receivedBytes: number): void {
    const { unplugAfterBytes, stopAnsweringAfterBytes } = this.config.faults;
    if (
      stopAnsweringAfterBytes !== undefined &&
      receivedBytes >= stopAnsweringAfterBytes &&
      this.#fireOnce('stop-answering')
    )
      this.#isDeaf = true;
    if (unplugAfterBytes !== undefined && receivedBytes >= unplugAfterBytes && this.#fireOnce('unplug'))
      this.#link?.unplug();
  }

  #fireOnce(fault: string): boolean {
    if (this.#firedFaults.has(fault)) return false;
    this.#firedFaults.add(fault);
    return true;
  }

  /** Drops off the bus after `afterMs` (answering the current request first), and boots again after bootTimeMs. */
  #scheduleReboot(afterMs: number, intoBootloader: boolean): void {
    const link = this.#link;
    if (link === undefined) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#track(
        (async () => {
          await this.#bootloader?.settled();
          this.#shouldStayInBootloader = intoBootloader;
          link.reenumerate(this.config.bootTimeMs);
        })(),
      );
    }, afterMs);
    this.#timers.add(timer);
  }

  /** Keeps background work (state saves, reboots) so `stop()` can wait for it; failures land in `faults`. */
  #track(work: Promise<void>): void {
    const tracked = work.then(
      () => undefined,
      (error: unknown) => {
        this.faults.push(error instanceof Error ? error.message : String(error));
      },
    );
    this.#work.add(tracked);
    void tracked.then(() => this.#work.delete(tracked));
  }
}
