import { settingsOverSmp } from '../config/smp-settings';
import { readImageState } from '../drivers/smp/image-commands';
import type { SmpClient } from '../drivers/smp/smp-client';
import { identityOverSmp } from '../identity/device-identity';
import type { DeviceState } from './device-state';

/**
 * Reads what a plan compares over SMP: identity (group 64), the running image (group 1), the installed
 * certificate chain (group 64) and each named setting (group 3). Reads only; nothing is written.
 */
export async function readDeviceState(
  client: SmpClient,
  settingNames: readonly string[],
  signal?: AbortSignal,
): Promise<DeviceState> {
  const identity = identityOverSmp(client);
  const facts = await identity.readIdentity(signal);
  const slots = await readImageState(client, signal);
  const running = slots.find((slot) => slot.isActive) ?? slots.find((slot) => slot.slot === 0);
  const certificateChain = await identity.readInstalledChain(signal);
  const settings = settingsOverSmp(client);
  const readings = new Map<string, Awaited<ReturnType<typeof settings.read>>>();
  for (const name of settingNames) readings.set(name, await settings.read(name, signal));
  return {
    identity: { hardwareId: facts.hardwareId, serial: facts.serialNumber, model: facts.model },
    firmware: running === undefined ? null : { version: running.version, hash: Buffer.from(running.hash).toString('hex') },
    certificateChain,
    settings: readings,
  };
}
