import { AppError } from '../../../shared/errors';
import { aliasKeys } from '../discovery/sighting-report';
import type { SmpClient } from '../drivers/smp/smp-client';
import type { CertificateIssuer } from '../ports/certificate-issuer';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import { toPem, type CertificateFacts } from './certificate-facts';
import type { CertificateProfile } from './certificate-profile';
import { identityOverSmp, type DeviceIdentity } from './device-identity';
import { enrollDeviceCertificate, type EnrollmentStep } from './enroll-device-certificate';
import type { EnrollmentMode, IdentityLedger } from './identity-ledger';

export interface EnrollDeviceInput {
  /** The device's SMP client (serial or UDP), or anything that speaks the identity contract. */
  device: SmpClient | DeviceIdentity;
  profile: CertificateProfile;
  issuer: CertificateIssuer;
  ledger: IdentityLedger;
  /**
   * The ledger's id for the device. When absent it is derived from what the device reports, the way
   * discovery names devices (`hwid:<HEX>`), so records land on the same device.
   */
  deviceId?: string;
  /** The hardware id the device must report (lower-case hex); absent accepts whatever answers. */
  expectedHardwareId?: string | null;
  actor?: string;
  clock?: Clock;
  logger?: Logger;
  signal?: AbortSignal;
  onStep?: (step: EnrollmentStep) => void;
}

/** What callers (CLI, contract, provisioning) get back about a freshly enrolled device certificate. */
export interface EnrolledDevice {
  deviceId: string;
  mode: EnrollmentMode;
  source: CertificateIssuer['kind'];
  issuerDescription: string;
  certificate: CertificateFacts;
  /** The installed chain, leaf first, as PEM. */
  chainPem: string;
  ledgerPosition: number;
}

/**
 * The entry point for enrolling a device certificate from anywhere (the `fieldline enroll` CLI, the
 * `identity:enroll` contract command, a provisioning run): names the device when the caller has no id
 * yet, then runs `enrollDeviceCertificate` (read → generate key on the device → check CSR → issue →
 * check → install → read back → record).
 */
export async function enrollDevice(input: EnrollDeviceInput): Promise<EnrolledDevice> {
  const device = isDeviceIdentity(input.device) ? input.device : identityOverSmp(input.device);
  let deviceId = input.deviceId;
  let expectedHardwareId = input.expectedHardwareId ?? null;
  if (deviceId === undefined) {
    const facts = await device.readIdentity(input.signal);
    deviceId = aliasKeys({ hardwareId: facts.hardwareId, serial: facts.serialNumber })[0];
    if (deviceId === undefined)
      throw new AppError('DEVICE_PROTOCOL', 'the device reports neither a hardware id nor a serial number to record it under', {
        details: { step: 'read-identity' },
      });
    // The device must stay the same one between this read and the enrollment's own.
    expectedHardwareId ??= facts.hardwareId === '' ? null : facts.hardwareId;
  }
  const result = await enrollDeviceCertificate({
    device,
    issuer: input.issuer,
    profile: input.profile,
    ledger: input.ledger,
    deviceId,
    expectedHardwareId,
    ...(input.actor === undefined ? {} : { actor: input.actor }),
    ...(input.clock === undefined ? {} : { clock: input.clock }),
    ...(input.logger === undefined ? {} : { logger: input.logger }),
    ...(input.signal === undefined ? {} : { signal: input.signal }),
    ...(input.onStep === undefined ? {} : { onStep: input.onStep }),
  });
  return {
    deviceId,
    mode: result.mode,
    source: input.issuer.kind,
    issuerDescription: input.issuer.description,
    certificate: result.certificate,
    chainPem: result.chain.map((der) => toPem(der)).join('\n'),
    ledgerPosition: result.ledgerPosition,
  };
}

function isDeviceIdentity(device: SmpClient | DeviceIdentity): device is DeviceIdentity {
  return typeof (device as Partial<DeviceIdentity>).generateKeyAndCsr === 'function';
}
