import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DfuLabDeviceOptions } from './devices/dfu/dfu-lab-device-config';
import { SMP_DEVICE_DEFAULTS, type SmpDeviceConfig } from './devices/smp/smp-device-config';
import type { Uf2LabDriveOptions } from './devices/uf2/uf2-lab-drive-config';
import { startDfuDevice, type RunningDfuDevice } from './running-dfu-device';
import { startSerialSmpDevice, startUdpSmpDevice, type RunningSmpDevice } from './running-smp-device';
import { startUf2Device, type RunningUf2Device } from './running-uf2-device';
import {
  DRIVE_ROOT_NAME,
  volumeLabelOf,
  type DfuScenarioDevice,
  type Scenario,
  type SmpScenarioDevice,
  type Uf2ScenarioDevice,
} from './scenario';
import { VirtualUsbBus } from './virtual-usb-bus';

export interface LabOptions {
  /** Advertise UDP devices over mDNS (`--advertise`); the scenario's `advertise` when absent. */
  isAdvertised?: boolean;
}

/** A running SMP device, tagged with its family like the others. */
export type RunningSmpLabDevice = RunningSmpDevice & { family: 'smp' };

/** Any running lab device; `family` says which, `address.kind` says where it is (serial, udp, usb, drive). */
export type RunningLabDevice = RunningSmpLabDevice | RunningDfuDevice | RunningUf2Device;

/** Every device of a running scenario; `stop()` stops them all and waits until nothing is left running. */
export interface RunningLab {
  devices: RunningLabDevice[];
  /**
   * The USB bus the DFU devices are plugged into. It is in memory in this process: a station in another
   * process cannot see it; in-process tests and benchmarks pass it to discovery (runtime `usbBus`).
   */
  usbBus: VirtualUsbBus;
  /** Where UF2 drives appear (`<state root>/drives`): a station finds them with FIELDLINE_DRIVE_FOLDERS. */
  driveRoot: string;
  stop(): Promise<void>;
}

/**
 * Starts the devices of a scenario, each with its state in `<stateRoot>/<device name>` and, for serial
 * devices, its pty links in `<stateRoot>/<device name>/pty`. DFU devices plug into one virtual USB bus;
 * UF2 drives mount under `<stateRoot>/drives`. If one fails to start, those already started are
 * stopped before the error is passed on.
 */
export async function startLab(
  scenario: Scenario,
  stateRoot: string,
  options: LabOptions = {},
): Promise<RunningLab> {
  const devices: RunningLabDevice[] = [];
  const usbBus = new VirtualUsbBus();
  const driveRoot = join(stateRoot, DRIVE_ROOT_NAME);
  const stop = async (): Promise<void> => {
    await Promise.all(devices.splice(0).map((device) => device.stop()));
    usbBus.close();
  };
  const isAdvertised = options.isAdvertised ?? scenario.advertise;
  const usbPorts = assignUsbPorts(scenario);
  try {
    for (const device of scenario.devices) {
      const folder = join(stateRoot, device.name);
      if (device.family === 'smp') devices.push(await startSmp(device, folder, isAdvertised));
      else if (device.family === 'dfu')
        devices.push(
          await startDfuDevice(device.name, usbBus, usbPorts.get(device.name)!, dfuOptions(device, folder)),
        );
      else devices.push(await startUf2Device(device.name, uf2Options(device, folder, driveRoot)));
    }
  } catch (error: unknown) {
    await stop();
    throw error;
  }
  return { devices, usbBus, driveRoot, stop };
}

async function startSmp(
  device: SmpScenarioDevice,
  folder: string,
  isAdvertised: boolean,
): Promise<RunningSmpLabDevice> {
  const running = await startSmpDevice(device, folder, isAdvertised);
  // Object.assign keeps the running device's `address` getter, which a spread would freeze.
  return Object.assign(running, { family: 'smp' as const });
}

async function startSmpDevice(
  device: SmpScenarioDevice,
  folder: string,
  isAdvertised: boolean,
): Promise<RunningSmpDevice> {
  const config: SmpDeviceConfig = {
    ...SMP_DEVICE_DEFAULTS,
    ...definedFields(device),
    name: device.name,
    serialNumber: device.serialNumber,
    stateDir: join(folder, 'state'),
    trustedKeysPem: await Promise.all((device.trustedKeyFiles ?? []).map((file) => readFile(file, 'utf8'))),
  };
  if (device.noDowngrade !== undefined) config.isNoDowngrade = device.noDowngrade;
  const transport = device.transport;
  if (transport.kind === 'serial') {
    return startSerialSmpDevice(config, join(folder, 'pty'), {
      baudRate: transport.baudRate,
      bitsPerByte: transport.bitsPerByte,
      printsBootBanner: transport.bootBanner,
      usbLatencyTimerMs: transport.usbLatencyTimerMs,
    });
  }
  return startUdpSmpDevice(config, {
    address: transport.address,
    port: transport.port,
    addedRoundTripMs: transport.addedRoundTripMs,
    isAdvertised,
  });
}

function definedFields(device: SmpScenarioDevice): Partial<SmpDeviceConfig> {
  const {
    transport: _transport,
    family: _family,
    trustedKeyFiles: _keys,
    noDowngrade: _noDowngrade,
    ...rest
  } = device;
  return withoutUndefined(rest);
}

/** Scenario names → DfuLabDeviceConfig names; absent fields keep the device's defaults. */
function dfuOptions(device: DfuScenarioDevice, folder: string): DfuLabDeviceOptions {
  const {
    name: _name,
    family: _family,
    usbPort: _usbPort,
    manifestationTolerant,
    strictAboutEarlyPolls,
    faults,
    ...rest
  } = device;
  return {
    ...withoutUndefined(rest),
    ...withoutUndefined({
      isManifestationTolerant: manifestationTolerant,
      isStrictAboutEarlyPolls: strictAboutEarlyPolls,
    }),
    ...(faults === undefined ? {} : { faults: withoutUndefined(faults) }),
    serialNumber: device.serialNumber,
    stateDir: join(folder, 'state'),
  };
}

function uf2Options(device: Uf2ScenarioDevice, folder: string, driveRoot: string): Uf2LabDriveOptions {
  const { name: _name, family: _family, malformedInfo, ...rest } = device;
  return {
    ...withoutUndefined(rest),
    ...withoutUndefined({ hasMalformedInfo: malformedInfo }),
    volumeLabel: volumeLabelOf(device),
    mountRoot: driveRoot,
    stateDir: join(folder, 'state'),
  };
}

/** Ports named in the scenario stay; the others get the lowest free `1-N`, in scenario order. */
function assignUsbPorts(scenario: Scenario): Map<string, string> {
  const ports = new Map<string, string>();
  const taken = new Set(
    scenario.devices.flatMap((device) => (device.family === 'dfu' && device.usbPort ? [device.usbPort] : [])),
  );
  let next = 1;
  for (const device of scenario.devices) {
    if (device.family !== 'dfu') continue;
    if (device.usbPort !== undefined) {
      ports.set(device.name, device.usbPort);
      continue;
    }
    while (taken.has(`1-${next}`)) next += 1;
    taken.add(`1-${next}`);
    ports.set(device.name, `1-${next}`);
  }
  return ports;
}

function withoutUndefined<T extends object>(
  fields: T,
): Partial<{ [K in keyof T]: Exclude<T[K], undefined> }> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<{
    [K in keyof T]: Exclude<T[K], undefined>;
  }>;
}
