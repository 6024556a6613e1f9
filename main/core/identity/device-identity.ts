import { AppError } from '../../../shared/errors';
import {
  generateDeviceKeyAndCsr,
  installCertificateChain,
  readDeviceIdentity,
  readInstalledCertificate,
  type DeviceKeyAlgorithm,
} from '../drivers/smp/identity-commands';
import type { SmpClient } from '../drivers/smp/smp-client';
import { SmpGroup } from '../drivers/smp/smp-header';
import { IdentityErrorRc, SmpRc } from '../drivers/smp/smp-status';
import type { DeviceFacts } from './certificate-profile';

/**
 * The device side of enrollment: Fieldline's identity contract (protocols.md §7), whatever the
 * transport. `identityOverSmp` speaks it over SMP group 64; other drivers can implement the same.
 */
export interface DeviceIdentity {
  readIdentity(signal?: AbortSignal): Promise<DeviceFacts>;
  /** Generates a new key pair inside the device and returns its CSR (DER); the old chain is dropped. */
  generateKeyAndCsr(
    request: { subject: string; algorithm: DeviceKeyAlgorithm },
    signal?: AbortSignal,
  ): Promise<Uint8Array>;
  /** Installs a chain, leaf first (DER). */
  installChain(chain: readonly Uint8Array[], signal?: AbortSignal): Promise<void>;
  /** The installed chain, leaf first, or null when the device holds no certificate. */
  readInstalledChain(signal?: AbortSignal): Promise<Uint8Array[] | null>;
}

export function identityOverSmp(client: SmpClient): DeviceIdentity {
  return {
    async readIdentity(signal) {
      const identity = await readDeviceIdentity(client, signal);
      return {
        hardwareId: Buffer.from(identity.hardwareId).toString('hex'),
        serialNumber: identity.serialNumber,
        model: identity.model,
      };
    },
    generateKeyAndCsr: (request, signal) => generateDeviceKeyAndCsr(client, request, signal),
    installChain: (chain, signal) => installCertificateChain(client, chain, signal),
    async readInstalledChain(signal) {
      try {
        const installed = await readInstalledCertificate(client, signal);
        return installed.chain;
      } catch (error: unknown) {
        if (isNoCertificate(error)) return null;
        throw error;
      }
    },
  };
}

/** NO_CERTIFICATE in group 64 (SMP v2), or its legacy translation NOENT (SMP v1). */
function isNoCertificate(error: unknown): boolean {
  if (!(error instanceof AppError) || error.code !== 'DEVICE_REJECTED') return false;
  const details = error.details ?? {};
  if (details.kind === 'group-error')
    return details.group === SmpGroup.fieldlineIdentity && details.rc === IdentityErrorRc.noCertificate;
  return details.kind === 'smp-error' && details.rc === SmpRc.noEntry;
}
