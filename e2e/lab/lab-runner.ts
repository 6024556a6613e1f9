import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SMP_DEVICE_DEFAULTS, type SmpDeviceConfig } from './devices/smp/smp-device-config';
import { startSerialSmpDevice, startUdpSmpDevice, type RunningSmpDevice } from './running-smp-device';
import type { Scenario, ScenarioDevice } from './scenario';

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
export async function startLab(scenario: Scenario, stateRoot: string): Promise<RunningLab> {
  const devices: RunningSmpDevice[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(devices.splice(0).map((device) => device.stop()));
  };
  try {
    for (const device of scenario.devices)
      devices.push(await startDevice(device, join(stateRoot, device.name)));
  } catch (error: unknown) {
    await stop();
    throw error;
  }
  return { devices, stop };
}

async function startDevice(device: ScenarioDevice, folder: string): Promise<RunningSmpDevice> {
  const config: SmpDeviceConfig = {
    ...SMP_DEVICE_DEFAULTS,
    ...definedFields(device),
    name: device.name,
    serialNumber: device.serialNumber,
    stateDir: join(folder, 'state'),
    trustedKeysPem: await Promise.all((device.trustedKeyFiles ?? []).map((file) => readFile(file, 'utf8'))),
  };
  const transport = device.transport;
  if (transport.kind === 'serial') {
    return startSerialSmpDevice(config, join(folder, 'pty'), {
      baudRate: transport.baudRate,
      bitsPerByte: transport.bitsPerByte,
      printsBootBanner: transport.bootBanner,
    });
  }
  return startUdpSmpDevice(config, {
    address: transport.address,
    port: transport.port,
    addedRoundTripMs: transport.addedRoundTripMs,
  });
}

function definedFields(device: ScenarioDevice): Partial<SmpDeviceConfig> {
  const { transport: _transport, family: _family, trustedKeyFiles: _keys, ...rest } = device;
  return Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
}
