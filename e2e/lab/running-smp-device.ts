import { mkdir } from 'node:fs/promises';
import type { Disposable } from '../../main/core/event-bus';
import { ListenerSet } from '../../main/core/drivers/smp/listener-set';
import type { SmpDeviceConfig } from './devices/smp/smp-device-config';
import { SmpLabDevice, type PlugEvent } from './devices/smp/smp-lab-device';
import { McumgrAdvertiser } from './transports/mcumgr-advertiser';
import { SerialConsoleLink, type SerialConsoleLinkOptions } from './transports/serial-console-link';
import { startPtyPair, type PtyPair } from './transports/socat-pty-pair';
import { UdpSmpLink, type UdpSmpLinkOptions } from './transports/udp-smp-link';

/** Where the app finds a running lab device. */
export type LabDeviceAddress =
  | { kind: 'serial'; path: string; device: string; baudRate: number; socatPid: number }
  | { kind: 'udp'; address: string; port: number };

/** The link of a device with an unplug fault: gone, then back (and, for serial, ready to be opened again). */
export type LinkState = 'unplugged' | 'replugged';

/** A lab SMP device with its link; `stop()` ends the link, the device and socat, and waits for them. */
export interface RunningSmpDevice {
  name: string;
  stateDir: string;
  /** Where the device is now: after a replug the serial path is the same, its /dev/pts/N and socat are new. */
  readonly address: LabDeviceAddress;
  device: SmpLabDevice;
  onLink(listener: (state: LinkState) => void): Disposable;
  stop(): Promise<void>;
}

/**
 * Follows the device's unplug faults: tears the link down at `unplugged` and brings a new one up at
 * `replugged`, one step at a time, and never after `stop()` began.
 */
class PlugFollower {
  readonly #listeners = new ListenerSet<[LinkState]>();
  readonly #subscription: { dispose(): void };
  #steps: Promise<void> = Promise.resolve();
  #isStopped = false;

  constructor(device: SmpLabDevice, handle: (event: PlugEvent) => Promise<void>) {
    this.#subscription = device.onPlug((event) => {
      this.#steps = this.#steps
        .then(async () => {
          if (this.#isStopped) return;
          await handle(event);
          if (!this.#isStopped) this.#listeners.emit(event.kind);
        })
        .catch((error: unknown) => {
          device.faults.push(`${event.kind}: ${error instanceof Error ? error.message : String(error)}`);
        });
    });
  }

  onLink(listener: (state: LinkState) => void): Disposable {
    return this.#listeners.add(listener);
  }

  /** No further steps; resolves when the one under way has finished. */
  async stop(): Promise<void> {
    this.#isStopped = true;
    this.#subscription.dispose();
    await this.#steps;
  }
}

/** Starts a device behind a socat pty pair in `ptyDir`; the app opens `address.path`. */
export async function startSerialSmpDevice(
  config: SmpDeviceConfig,
  ptyDir: string,
  linkOptions: SerialConsoleLinkOptions,
): Promise<RunningSmpDevice> {
  await mkdir(ptyDir, { recursive: true });
  let pty: PtyPair = await startPtyPair(ptyDir);
  let device: SmpLabDevice | undefined;
  try {
    device = await SmpLabDevice.start(config);
    const started = device;
    let link: SerialConsoleLink | undefined = await SerialConsoleLink.start(
      started,
      pty.labPath,
      linkOptions,
    );
    // Unplugging a USB-serial device takes its tty away (socat exits); plugging it in makes a new one.
    const follower = new PlugFollower(started, async (event) => {
      if (event.kind === 'unplugged') {
        await link?.stop();
        link = undefined;
        await pty.stop();
      } else {
        pty = await startPtyPair(ptyDir);
        link = await SerialConsoleLink.start(started, pty.labPath, linkOptions);
      }
    });
    return {
      name: config.name,
      stateDir: config.stateDir,
      get address(): LabDeviceAddress {
        return {
          kind: 'serial',
          path: pty.appPath,
          device: pty.appDevice,
          baudRate: linkOptions.baudRate,
          socatPid: pty.pid,
        };
      },
      device: started,
      onLink: (listener) => follower.onLink(listener),
      stop: async () => {
        await follower.stop();
        await link?.stop();
        await started.stop();
        await pty.stop();
      },
    };
  } catch (error: unknown) {
    await device?.stop();
    await pty.stop();
    throw error;
  }
}

export interface UdpDeviceOptions extends UdpSmpLinkOptions {
  /** Advertise the device over mDNS as `_mcumgr._udp` (multicast: only inside a private network namespace). */
  isAdvertised?: boolean;
}

/** Starts a device answering SMP over UDP (loopback by default), optionally advertised over mDNS. */
export async function startUdpSmpDevice(
  config: SmpDeviceConfig,
  options: UdpDeviceOptions,
): Promise<RunningSmpDevice> {
  const device = await SmpLabDevice.start(config);
  let advertiser: McumgrAdvertiser | undefined;
  try {
    let link: UdpSmpLink | undefined = await UdpSmpLink.start(device, options);
    // A replugged device comes back on the same address and port.
    const endpoint = link.endpoint;
    const firmwareVersion = async (): Promise<string> =>
      (await device.bootloader.readSlot(0))?.versionText ?? 'unknown';
    if (options.isAdvertised) {
      advertiser = McumgrAdvertiser.start(
        {
          name: `${config.name}-${config.serialNumber}`.toLowerCase().replace(/[^a-z0-9-]/g, '-'),
          port: endpoint.port,
          txt: { serial: config.serialNumber, model: config.model, fw: await firmwareVersion() },
        },
        (error: unknown) =>
          device.faults.push(`mDNS: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
    const advertised = advertiser;
    const follower = new PlugFollower(device, async (event) => {
      if (event.kind === 'unplugged') {
        await advertised?.withdraw();
        await link?.stop();
        link = undefined;
      } else {
        link = await UdpSmpLink.start(device, { ...options, address: endpoint.address, port: endpoint.port });
        advertised?.publish();
      }
    });
    // A swap changes the running firmware: the TXT record follows.
    let txtUpdates: Promise<void> = Promise.resolve();
    const boots = device.onBoot(() => {
      if (!advertised) return;
      txtUpdates = txtUpdates
        .then(async () => advertised.update({ ...advertised.txt, fw: await firmwareVersion() }))
        .catch((error: unknown) => {
          device.faults.push(`mDNS TXT update: ${String(error)}`);
        });
    });
    return {
      name: config.name,
      stateDir: config.stateDir,
      address: { kind: 'udp', ...endpoint },
      device,
      onLink: (listener) => follower.onLink(listener),
      stop: async () => {
        boots.dispose();
        await follower.stop();
        await txtUpdates;
        await advertised?.stop();
        await link?.stop();
        await device.stop();
      },
    };
  } catch (error: unknown) {
    await advertiser?.stop();
    await device.stop();
    throw error;
  }
}
