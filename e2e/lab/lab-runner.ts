import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SMP_DEVICE_DEFAULTS, type SmpDeviceConfig } from './devices/smp/smp-device-config';
import { startSerialSmpDevice, startUdpSmpDevice, type RunningSmpDevice } from './running-smp-device';
import type { Scenario, ScenarioDevice } from './scenario';

export interface LabOptions {
  /** Advertise UDP devices over mDNS (`--advertise`); the scenario's `advertise` when absent. */
  isAdvertised?: boolean;
}

/** Every device of a running scenario; `stop()` stops them all and waits until nothing is left running. */
export interface RunningLab {
  devices: RunningSmpDevice[];
  stop(): Promise<void>;
}

/**
 * Starts the devices of a scenario, each with its state in `<stateRoot>/<device name>` and, for serial
 * devices, its pty links in `<stateRoot>/<device name>/pty`. If one fails to start, those already
 * started are stopped before the error is passed on.
 */
export async function startLab(
  scenario: Scenario,
  stateRoot: string,
  options: LabOptions = {},
): Promise<RunningLab> {
  const devices: RunningSmpDevice[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(devices.splice(0).map((device) => device.stop()));
  };
  const isAdvertised = options.isAdvertised ?? scenario.advertise;
  try {
    for (const device of scenario.devices)
      devices.push(await startDevice(device, join(stateRoot, device.name), isAdvertised));
  } catch (error: unknown) {
    await stop();
    throw error;
  }
  return { devices, stop };
}

// DFU and UF2 devices (e2e/lab/devices/dfu, uf2) start here once scenario.ts accepts their families:
// switch on `device.family` and return their running handles next to the SMP ones.
async function startDevice(
  device: ScenarioDevice,
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

function definedFields(device: ScenarioDevice): Partial<SmpDeviceConfig> {
  const {
    transport: _transport,
    family: _family,
    trustedKeyFiles: _keys,
    noDowngrade: _noDowngrade,
    ...rest
  } = device;
  return Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
}
