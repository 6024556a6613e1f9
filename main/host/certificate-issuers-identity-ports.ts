import { AppError, toAppError } from '../../shared/errors';
import { NodeDatagramNetwork } from '../adapters/udp/node-datagram-network';
import { SerialportPorts } from '../adapters/serial/serialport-ports';
import type { FileBackedFleetConnection } from '../adapters/fleet/fleet-connection';
import type { DeviceRegistry } from '../core/discovery/device-registry';
import { SmpClient } from '../core/drivers/smp/smp-client';
import { openSmpLink, type SmpEndpoint, type SmpLink } from '../core/drivers/smp/smp-flasher-link';
import type { IdentityPorts } from '../core/identity/identity-handlers';
import { registryDeviceLocator } from '../core/jobs/device-locator';
import { systemClock, type Clock } from '../core/ports/clock';
import type { KeyVault } from '../core/ports/key-vault';
import { openCertificateIssuer } from './certificate-issuers';

export interface HostIdentityPortsOptions {
  /** The core's registry (late-bound: the core is created with these ports). */
  registry: () => DeviceRegistry;
  fleet: Pick<FileBackedFleetConnection, 'serverUrl' | 'tlsIdentity'>;
  vault: KeyVault;
  clock?: Clock;
  env?: NodeJS.ProcessEnv;
  actor?: string;
}

/** Key generation on a small device can take seconds. */
const IDENTITY_REQUEST_TIMEOUT_MS = 15_000;
const OPEN_ATTEMPTS = 5;

/**
 * The station's `identity` core port: the device is reached where discovery last saw it (serial port
 * or UDP), and the issuer is the one the configuration names (certificate-issuers.ts), opened for
 * each enrollment and closed after it (a PKCS#11 session is not held between enrollments).
 */
export function hostIdentityPorts(options: HostIdentityPortsOptions): IdentityPorts {
  return {
    async openDevice(deviceId, signal) {
      const endpoint = registryDeviceLocator(options.registry())
        .locate(deviceId)
        .endpoints.find((candidate): candidate is SmpEndpoint => candidate.kind === 'serial' || candidate.kind === 'udp');
      if (endpoint === undefined)
        throw new AppError('NOT_FOUND', `device ${deviceId} is not seen on any serial port or network right now; plug it in and try again`, {
          details: { deviceId },
        });
      const link = await openWithRetry(endpoint, signal);
      const client = new SmpClient(link.transport, { timeoutMs: IDENTITY_REQUEST_TIMEOUT_MS });
      return {
        device: client,
        close: async () => {
          client.dispose();
          await link.close();
        },
      };
    },
    openIssuer: (profile, ledger) =>
      openCertificateIssuer({
        ...(options.env === undefined ? {} : { env: options.env }),
        fleet: options.fleet,
        vault: options.vault,
        ledger,
        clock: options.clock ?? systemClock,
        offlineValidityDays: profile.offlineValidityDays,
        ...(options.actor === undefined ? {} : { actor: options.actor }),
      }),
  };
}

/**
 * Serial ports are opened exclusively, and discovery may be probing this one right now
 * (TRANSPORT_CLOSED / PORT_UNAVAILABLE): a few short retries instead of failing the enrollment.
 */
async function openWithRetry(endpoint: SmpEndpoint, signal: AbortSignal): Promise<SmpLink> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await openSmpLink({ serialPorts: new SerialportPorts(), datagrams: new NodeDatagramNetwork() }, endpoint, signal);
    } catch (error: unknown) {
      const code = toAppError(error).code;
      if (attempt >= OPEN_ATTEMPTS || signal.aborted || (code !== 'TRANSPORT_CLOSED' && code !== 'PORT_UNAVAILABLE')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
