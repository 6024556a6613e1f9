import type { IdentityLedger } from '../../core/identity/identity-ledger';
import type { IdentityPorts } from '../../core/identity/identity-handlers';
import type { ProvisionPorts } from '../../core/provisioning/provision-ports';
import { openStationSmpDevice } from '../station-smp-device';
import { readRecipeGitRevision } from './recipe-git-revision';
import type { LoadedTrustStore } from './firmware-files';

/**
 * The station's (and the desktop app's) provisioning ports: devices are reached where discovery sees
 * them and the issuer is the configured one, both as for enrollment (`hostIdentityPorts`); the flash
 * job finds the device through discovery too. Used by `runtime.ts`; the CLI builds its own
 * (`recipe-session.ts`) for the port it was given.
 */
export function stationProvisionPorts(options: {
  identity: IdentityPorts;
  /** Where an offline CA records its issuances (late-bound: the core is created with these ports). */
  ledger: () => IdentityLedger;
  trustStore: () => LoadedTrustStore;
}): ProvisionPorts {
  return {
    openDevice: (deviceId, signal) =>
      openStationSmpDevice(options.identity, deviceId, signal ?? new AbortController().signal),
    trustStore: () => {
      const loaded = options.trustStore();
      return { store: loaded.store, path: loaded.path };
    },
    issuer: (profile) => options.identity.openIssuer(profile, options.ledger()),
    readGitRevision: readRecipeGitRevision,
  };
}
