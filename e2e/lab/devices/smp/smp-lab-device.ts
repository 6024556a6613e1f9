import { createHash, createPublicKey } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeviceFaultSchedule } from '../../faults/device-fault-schedule';
import type { TransferKind } from '../../faults/fault-plan';
import { LinkFaultInjector } from '../../faults/link-fault-injector';
import { CredentialStore } from './credential-store';
import { DeviceStateStore } from './device-state-store';
import { registerFileSystemGroup } from './file-system-group';
import { FlashTiming } from './flash-timing';
import { registerIdentityGroup } from './identity-group';
import type { ImageUploadReceiver } from './image-upload-receiver';
import { registerImageGroup } from './image-group';
import { LabFileSystem } from './lab-file-system';
import { McubootBootloader } from './mcuboot-bootloader';
import { buildMcubootImage } from './mcuboot-image-builder';
import { parseImageVersion } from './mcuboot-image-format';
import { registerOsGroup } from './os-group';
import { registerSettingsGroup } from './settings-group';
import { SmpDispatcher } from './smp-dispatcher';
import type { SmpDeviceConfig } from './smp-device-config';
import type { SmpDeviceContext } from './smp-device-context';
import { registerZephyrBasicGroup } from './zephyr-basic-group';

/** Why the device ignored a packet: the lab's model of a finite receive buffer (quality.md). */
export interface SmpDropCounts {
  bufferFull: number;
  oversize: number;
  whileResetting: number;
}

type Reply = (response: Uint8Array) => void;

/** The cable: links tear down at `unplugged` and come back at `replugged` (an unplug fault). */
export type PlugEvent = { kind: 'unplugged'; downMs: number } | { kind: 'replugged' };

/**
 * A simulated Zephyr + MCUboot device that speaks SMP (protocols.md §1–2). Packets arrive from any link
 * (serial console, UDP) with a reply function. The device holds at most `bufCount` packets, each at most
 * `bufSize` bytes, and handles them one at a time; more are dropped, as a device out of net_bufs does.
 * Reset answers first, goes deaf, runs the bootloader (swap / revert), reloads saved settings, and boots.
 */
export class SmpLabDevice implements SmpDeviceContext {
  readonly dispatcher = new SmpDispatcher();
  readonly settings = new Map<string, Uint8Array>();
  readonly drops: SmpDropCounts = { bufferFull: 0, oversize: 0, whileResetting: 0 };
  readonly bootloader: McubootBootloader;
  readonly flash: FlashTiming;
  readonly storageFlash: FlashTiming;
  readonly credentials: CredentialStore;
  readonly fileSystem: LabFileSystem;
  /** Packet faults the links apply (drop, duplicate, corrupt, console noise); counts survive an unplug. */
  readonly linkFaults: LinkFaultInjector;
  /** Transfer and request faults (unplug, reset, slow flash, stop answering). */
  readonly faultSchedule: DeviceFaultSchedule;
  readonly #upload: ImageUploadReceiver;
  readonly #forgetOpenFile: () => void;
  readonly #queue: { packet: Uint8Array; reply: Reply }[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #bootListeners = new Set<(bootCount: number) => void>();
  readonly #plugListeners = new Set<(event: PlugEvent) => void>();
  readonly #work = new Set<Promise<void>>();
  readonly #stopping = new AbortController();
  /** Errors the simulation itself hit (a state folder that vanished); tests assert it stays empty. */
  readonly faults: string[] = [];
  #isProcessing = false;
  #isResetting = false;
  #isStopped = false;
  #idle: Promise<void> = Promise.resolve();
  #markIdle: () => void = () => undefined;

  private constructor(
    readonly config: SmpDeviceConfig,
    readonly store: DeviceStateStore,
  ) {
    this.bootloader = new McubootBootloader(
      store,
      (config.trustedKeysPem ?? []).map((pem) => createPublicKey(pem)),
      { isNoDowngrade: config.isNoDowngrade ?? false },
    );
    this.flash = new FlashTiming(config.flash);
    this.storageFlash = new FlashTiming(config.flash);
    this.credentials = new CredentialStore(config.stateDir);
    this.fileSystem = new LabFileSystem(config.stateDir, { capacityBytes: config.storageBytes ?? 64 * 1024 });
    this.linkFaults = new LinkFaultInjector(config.faults);
    this.faultSchedule = new DeviceFaultSchedule(config.faults, {
      unplug: (downMs, cutsPower) => this.#unplug(downMs, cutsPower),
      resetNow: () => this.#track(this.#reset()),
    });
    registerOsGroup(this.dispatcher, this);
    this.#upload = registerImageGroup(this.dispatcher, this);
    registerSettingsGroup(this.dispatcher, this);
    this.#forgetOpenFile = registerFileSystemGroup(this.dispatcher, this);
    registerZephyrBasicGroup(this.dispatcher, this, this.#forgetOpenFile);
    registerIdentityGroup(this.dispatcher, this);
  }

  /** Opens (or creates) the device's state folder and powers it on: the bootloader runs first. */
  static async start(config: SmpDeviceConfig): Promise<SmpLabDevice> {
    const store = await DeviceStateStore.open(config.stateDir, {
      identity: {
        hardwareId:
          config.hardwareId ?? createHash('sha256').update(config.serialNumber).digest('hex').slice(0, 16),
        serialNumber: config.serialNumber,
        model: config.model,
      },
      factoryImage: () => factoryImage(config),
    });
    const device = new SmpLabDevice(config, store);
    await device.#powerOn();
    return device;
  }

  get isResetting(): boolean {
    return this.#isResetting;
  }

  /** Called by the device's boot (power-on and every reset) with the new boot count. */
  onBoot(listener: (bootCount: number) => void): { dispose(): void } {
    this.#bootListeners.add(listener);
    return { dispose: () => this.#bootListeners.delete(listener) };
  }

  /** Unplug faults: links go down at `unplugged` and come back at `replugged`. */
  onPlug(listener: (event: PlugEvent) => void): { dispose(): void } {
    this.#plugListeners.add(listener);
    return { dispose: () => this.#plugListeners.delete(listener) };
  }

  /** A whole SMP packet from a link; the answer, if any, goes to `reply`. */
  receive(packet: Uint8Array, reply: Reply): void {
    if (this.#isStopped) return;
    if (this.#isResetting) {
      this.drops.whileResetting += 1;
      return;
    }
    if (packet.length > this.config.bufSizeBytes) {
      this.drops.oversize += 1;
      return;
    }
    if (this.#queue.length + (this.#isProcessing ? 1 : 0) >= this.config.bufCount) {
      this.drops.bufferFull += 1;
      return;
    }
    if (this.faultSchedule.isSilenced()) return;
    this.#queue.push({ packet, reply });
    if (!this.#isProcessing) void this.#processQueue();
  }

  scheduleReset(): void {
    this.#later(this.config.resetDelayMs, () => this.#track(this.#reset()));
  }

  async beforeTransferWrite(kind: TransferKind, offset: number, totalBytes: number): Promise<void> {
    const slowdown = this.faultSchedule.beforeTransferWrite(kind, offset, totalBytes);
    if (slowdown.writeBytesPerSecond !== undefined) {
      this.flash.setWriteRate(slowdown.writeBytesPerSecond);
      this.storageFlash.setWriteRate(slowdown.writeBytesPerSecond);
    }
    if (slowdown.stallMs > 0)
      await sleep(slowdown.stallMs, undefined, { signal: this.#stopping.signal }).catch(() => undefined);
  }

  afterTransferWrite(kind: TransferKind, offset: number, totalBytes: number): void {
    this.faultSchedule.afterTransferWrite(kind, offset, totalBytes);
  }

  /** Stops timers and waits for the packet being handled, so the state folder is quiet afterwards. */
  async stop(): Promise<void> {
    this.#isStopped = true;
    this.#stopping.abort();
    this.#queue.length = 0;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    await Promise.all([this.#idle, ...this.#work]);
  }

  #track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => {
      this.faults.push(error instanceof Error ? error.message : String(error));
    });
    this.#work.add(tracked);
    void tracked.finally(() => this.#work.delete(tracked));
  }

  async #processQueue(): Promise<void> {
    this.#isProcessing = true;
    this.#idle = new Promise((resolve) => (this.#markIdle = resolve));
    try {
      for (let item = this.#queue.shift(); item && !this.#isStopped; item = this.#queue.shift()) {
        const response = await this.dispatcher.handle(item.packet);
        if (response && !this.#isResetting && !this.#isStopped) item.reply(response);
      }
    } finally {
      this.#isProcessing = false;
      this.#markIdle();
    }
  }

  async #reset(): Promise<void> {
    if (this.#isStopped || this.#isResetting) return;
    this.#goDown();
    await this.#idle;
    this.#later(this.config.bootTimeMs, () => this.#track(this.#powerOn()));
  }

  /** Deaf, queue gone, RAM state (transfers in progress) forgotten: the start of a reset or a power loss. */
  #goDown(): void {
    this.#isResetting = true;
    this.#queue.length = 0;
    this.#upload.forget();
    this.#forgetOpenFile();
  }

  /** The cable goes for `downMs`; when it powered the device, the device reboots when it comes back. */
  #unplug(downMs: number, cutsPower: boolean): void {
    if (cutsPower) this.#goDown();
    for (const listener of [...this.#plugListeners]) listener({ kind: 'unplugged', downMs });
    this.#later(downMs, () =>
      this.#track(
        (async () => {
          if (cutsPower) {
            await this.#idle;
            await this.#powerOn();
          }
          if (this.#isStopped) return;
          for (const listener of [...this.#plugListeners]) listener({ kind: 'replugged' });
        })(),
      ),
    );
  }

  async #powerOn(): Promise<void> {
    if (this.#isStopped) return;
    await this.bootloader.boot();
    this.settings.clear();
    for (const [name, value] of await this.store.readSavedSettings()) this.settings.set(name, value);
    this.#isResetting = false;
    for (const listener of [...this.#bootListeners]) listener(this.store.boot.bootCount);
  }

  #later(delayMs: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      action();
    }, delayMs);
    this.#timers.add(timer);
  }
}

/** The image a new device ships with: deterministic body, version from the config. */
function factoryImage(config: SmpDeviceConfig): Uint8Array {
  const body = new Uint8Array(16 * 1024).map((_, index) => (index * 31 + config.serialNumber.length) & 0xff);
  const spec = { version: parseImageVersion(config.firmwareVersion), body };
  return buildMcubootImage(
    config.firmwareSecurityCounter === undefined
      ? spec
      : { ...spec, securityCounter: config.firmwareSecurityCounter },
  );
}
