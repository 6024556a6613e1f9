import type { IdentityPorts } from '../core/identity/identity-handlers';
import type { KeyVault } from '../core/ports/key-vault';
import type { RetirementPorts } from '../core/retirement/retire-device';
import { StationSigningKey } from '../core/retirement/station-signing-key';
import { retirementFolder } from './cli/retire-command';
import { openStationSmpDevice } from './station-smp-device';

/**
 * The station's (and the desktop app's) retirement ports: the device is reached over SMP where
 * discovery sees it (as enrollment reaches it), and certificates of sanitization are signed with the
 * station key sealed by the station's key vault — the same key `fieldline retire` uses on this data
 * folder, so every certificate a station issues verifies with one public key.
 */
export function stationRetirementPorts(options: {
  identity: IdentityPorts;
  dataDir: string;
  vault: KeyVault;
}): RetirementPorts {
  const signingKey = new StationSigningKey(retirementFolder(options.dataDir), options.vault);
  return {
    openDevice: (deviceId, signal) => openStationSmpDevice(options.identity, deviceId, signal),
    signer: () => signingKey.signer(),
  };
}
