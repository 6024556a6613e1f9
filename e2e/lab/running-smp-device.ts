import { mkdir } from 'node:fs/promises';
import type { SmpDeviceConfig } from './devices/smp/smp-device-config';
import { SmpLabDevice } from './devices/smp/smp-lab-device';
import { SerialConsoleLink, type SerialConsoleLinkOptions } from './transports/serial-console-link';
import { startPtyPair } from './transports/socat-pty-pair';
import { UdpSmpLink, type UdpSmpLinkOptions } from './transports/udp-smp-link';

/** Where the app finds a running lab device. */
export type LabDeviceAddress =
  | { kind: 'serial'; path: string; device: string; baudRate: number; socatPid: number }
  | { kind: 'udp'; address: string; port: number };

/** A lab SMP device with its link; `stop()` ends the link, the device and socat, and waits for them. */
export interface RunningSmpDevice {
  name: string;
  stateDir: string;
  address: LabDeviceAddress;
  device: SmpLabDevice;
  stop(): Promise<void>;
}

/** Starts a device behind a socat pty pair in `ptyDir`; the app opens `address.path`. */
export async function startSerialSmpDevice(
  config: SmpDeviceConfig,
  ptyDir: string,
  link: SerialConsoleLinkOptions,
): Promise<RunningSmpDevice> {
  await mkdir(ptyDir, { recursive: true });
  const pty = await startPtyPair(ptyDir);
  let device: SmpLabDevice | undefined;
  try {
    device = await SmpLabDevice.start(config);
    const running = await SerialConsoleLink.start(device, pty.labPath, link);
    const started = device;
    return {
      name: config.name,
      stateDir: config.stateDir,
      address: {
        kind: 'serial',
        path: pty.appPath,
        device: pty.appDevice,
        baudRate: link.baudRate,
        socatPid: pty.pid,
      },
      device: started,
      stop: async () => {
        await running.stop();
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

/** Starts a device answering SMP over UDP on loopback. */
export async function startUdpSmpDevice(
  config: SmpDeviceConfig,
  link: UdpSmpLinkOptions,
): Promise<RunningSmpDevice> {
  const device = await SmpLabDevice.start(config);
  try {
    const running = await UdpSmpLink.start(device, link);
    return {
      name: config.name,
      stateDir: config.stateDir,
      address: { kind: 'udp', ...running.endpoint },
      device,
      stop: async () => {
        await running.stop();
        await device.stop();
      },
    };
  } catch (error: unknown) {
    await device.stop();
    throw error;
  }
}
