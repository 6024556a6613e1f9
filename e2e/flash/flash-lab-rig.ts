import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialportPorts } from '../../main/adapters/serial/serialport-ports';
import { NodeDatagramNetwork } from '../../main/adapters/udp/node-datagram-network';
import type { SmpEndpoint, SmpLinkPorts } from '../../main/core/drivers/smp/smp-flasher-link';
import { SMP_DEVICE_DEFAULTS, type SmpDeviceConfig } from '../lab/devices/smp/smp-device-config';
import { SmpLabDevice } from '../lab/devices/smp/smp-lab-device';
import { faultPlanSchema, type FaultPlanInput } from '../lab/faults/fault-plan';
import { SerialConsoleLink, type SerialConsoleLinkStats } from '../lab/transports/serial-console-link';
import { startPtyPair, type PtyPair } from '../lab/transports/socat-pty-pair';
import { UdpSmpLink } from '../lab/transports/udp-smp-link';

export interface FlashRigOptions {
  transport: 'serial' | 'udp';
  baudRate?: number;
  /** A USB-serial bridge's latency timer on the device's answers (quality.md: 16 ms); none by default. */
  usbLatencyTimerMs?: number;
  addedRoundTripMs?: number;
  config?: Partial<SmpDeviceConfig>;
  faults?: FaultPlanInput;
}

/**
 * One lab SMP device for flashing tests, with the cable in the test's hand: `unplug` takes the link away
 * (socat and the pty go, as a USB-serial device's tty does) and brings it back on the same path or UDP
 * port, optionally with a power cut (the device restarts from its state folder, RAM state lost). The
 * lab's own unplug faults (fault-plan.ts) are followed the same way. The app side uses the real
 * serialport and UDP adapters.
 */
export class FlashRig {
  readonly ports: SmpLinkPorts = { serialPorts: new SerialportPorts(), datagrams: new NodeDatagramNetwork() };
  /** Every socat started, for the test to check none outlives it. */
  readonly socatPids: number[] = [];
  readonly #options: FlashRigOptions;
  readonly #config: SmpDeviceConfig;
  readonly #folder: string;
  #device: SmpLabDevice;
  #pty: PtyPair | undefined;
  #serialLink: SerialConsoleLink | undefined;
  #udpLink: UdpSmpLink | undefined;
  #udpPort = 0;
  #plugSteps: Promise<void> = Promise.resolve();
  #plugSubscription: { dispose(): void } | undefined;
  #isStopped = false;

  private constructor(
    options: FlashRigOptions,
    config: SmpDeviceConfig,
    folder: string,
    device: SmpLabDevice,
  ) {
    this.#options = options;
    this.#config = config;
    this.#folder = folder;
    this.#device = device;
  }

  static async start(options: FlashRigOptions): Promise<FlashRig> {
    const folder = await mkdtemp(join(tmpdir(), 'fieldline-flash-rig-'));
    await mkdir(join(folder, 'pty'));
    const config: SmpDeviceConfig = {
      ...SMP_DEVICE_DEFAULTS,
      name: 'flash-rig',
      serialNumber: 'FL-RIG-0001',
      stateDir: join(folder, 'state'),
      resetDelayMs: 20,
      bootTimeMs: 30,
      ...options.config,
      ...(options.faults ? { faults: faultPlanSchema.parse(options.faults) } : {}),
    };
    let rig: FlashRig | undefined;
    try {
      rig = new FlashRig(options, config, folder, await SmpLabDevice.start(config));
      await rig.#plugIn();
      rig.#follow();
      return rig;
    } catch (error: unknown) {
      // Nothing half-started outlives a failed start: socat, the device, the folder.
      await rig?.stop();
      await rm(folder, { recursive: true, force: true });
      throw error;
    }
  }

  get device(): SmpLabDevice {
    return this.#device;
  }

  get config(): SmpDeviceConfig {
    return this.#config;
  }

  get endpoint(): SmpEndpoint {
    if (this.#options.transport === 'udp') return { kind: 'udp', address: '127.0.0.1', port: this.#udpPort };
    return {
      kind: 'serial',
      path: join(this.#folder, 'pty', 'app'),
      baudRate: this.#options.baudRate ?? 921_600,
    };
  }

  /** Pacing of the serial link since it was last plugged in (lag shows the lab falling behind the line). */
  get serialLinkStats(): SerialConsoleLinkStats | null {
    return this.#serialLink?.stats ?? null;
  }

  /** The device's hardware id as the identity group reports it (lower-case hex). */
  get hardwareId(): string {
    return this.#device.store.identity.hardwareId.toLowerCase();
  }

  /** Pulls the cable for `downMs`; resolves once it is plugged back in (and the device is up again). */
  async unplug(downMs: number, options: { cutsPower?: boolean } = {}): Promise<void> {
    await this.pull();
    await new Promise((resolve) => setTimeout(resolve, downMs));
    if (options.cutsPower) {
      await this.#device.stop();
      this.#device = await SmpLabDevice.start(this.#config);
      this.#follow();
    }
    await this.#plugIn();
  }

  /** Pulls the cable and leaves it out (the device stays powered, e.g. still reachable over another link). */
  async pull(): Promise<void> {
    await this.#unplugged();
  }

  async stop(): Promise<void> {
    this.#isStopped = true;
    this.#plugSubscription?.dispose();
    await this.#plugSteps;
    await this.#unplugged();
    await this.#device.stop();
    await rm(this.#folder, { recursive: true, force: true });
  }

  #follow(): void {
    this.#plugSubscription?.dispose();
    this.#plugSubscription = this.#device.onPlug((event) => {
      this.#plugSteps = this.#plugSteps.then(async () => {
        if (this.#isStopped) return;
        if (event.kind === 'unplugged') await this.#unplugged();
        else await this.#plugIn();
      });
    });
  }

  async #plugIn(): Promise<void> {
    if (this.#options.transport === 'udp') {
      this.#udpLink = await UdpSmpLink.start(this.#device, {
        address: '127.0.0.1',
        port: this.#udpPort,
        addedRoundTripMs: this.#options.addedRoundTripMs ?? 0,
      });
      this.#udpPort = this.#udpLink.endpoint.port;
      return;
    }
    this.#pty = await startPtyPair(join(this.#folder, 'pty'));
    this.socatPids.push(this.#pty.pid);
    this.#serialLink = await SerialConsoleLink.start(this.#device, this.#pty.labPath, {
      baudRate: this.#options.baudRate ?? 921_600,
      printsBootBanner: true,
      usbLatencyTimerMs: this.#options.usbLatencyTimerMs ?? 0,
    });
  }

  async #unplugged(): Promise<void> {
    await this.#udpLink?.stop();
    this.#udpLink = undefined;
    await this.#serialLink?.stop();
    this.#serialLink = undefined;
    await this.#pty?.stop();
    this.#pty = undefined;
  }
}
