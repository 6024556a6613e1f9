import type { CommandOutput, OperationSummary, ParsedCommandInput } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { SmpClient } from '../drivers/smp/smp-client';
import type { OperationService } from '../operations/operation-service';
import type { CertificateIssuer } from '../ports/certificate-issuer';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import { factsAsJson } from './certificate-facts';
import { parseCertificateProfile, type CertificateProfile } from './certificate-profile';
import { enrollDevice } from './enroll-device';
import type { DeviceIdentity } from './device-identity';
import type { IdentityLedger } from './identity-ledger';
import { recordedCertificates } from './recorded-certificates';

/**
 * What the host gives certificate enrollment (`identity:enroll`): a way to reach a device over SMP and
 * the configured issuer (main/host/certificate-issuers.ts). Optional in `createCore`; without it
 * `identity:enroll` answers NOT_IMPLEMENTED naming what is missing.
 */
export interface IdentityPorts {
  /** The device over SMP (an SmpClient), or anything else that speaks the identity contract. */
  openDevice(deviceId: string, signal: AbortSignal): Promise<{ device: SmpClient | DeviceIdentity; close(): Promise<void> }>;
  /** The issuer the configuration names; `ledger` is where an offline CA records its issuances. */
  openIssuer(profile: CertificateProfile, ledger: IdentityLedger): Promise<{ issuer: CertificateIssuer; close(): Promise<void> }>;
  /** The profile used when the caller gives none (default: CN = the device serial). */
  defaultProfile?: CertificateProfile;
}

export interface IdentityServices {
  operations: Pick<OperationService, 'start'>;
  ledger: IdentityLedger;
  clock: Clock;
  logger: Logger;
  actor: string;
}

type IdentityHandlers = {
  'identity:enroll': (input: ParsedCommandInput<'identity:enroll'>) => { operation: OperationSummary };
  'identity:certificate': (input: ParsedCommandInput<'identity:certificate'>) => CommandOutput<'identity:certificate'>;
};

export function identityHandlers(ports: IdentityPorts | undefined, services: () => IdentityServices): IdentityHandlers {
  return {
    'identity:enroll': (input) => {
      if (ports === undefined)
        throw new AppError(
          'NOT_IMPLEMENTED',
          'this host cannot enroll device certificates: it supplies no SMP device access and no certificate issuer (the core port `identity`)',
        );
      // Checked before the operation starts, so a bad profile is refused without touching the device.
      const profile = input.profile === undefined ? (ports.defaultProfile ?? parseCertificateProfile({})) : parseCertificateProfile(input.profile);
      const context = services();
      const operation = context.operations.start({
        kind: 'enroll',
        deviceId: input.deviceId,
        title: 'device certificate',
        steps: [
          {
            name: 'enroll-certificate',
            label: 'Enroll the device certificate',
            run: async ({ signal, detail }) => {
              const issuer = await ports.openIssuer(profile, context.ledger);
              try {
                const opened = await ports.openDevice(input.deviceId, signal);
                try {
                  const enrolled = await enrollDevice({
                    device: opened.device,
                    profile,
                    issuer: issuer.issuer,
                    ledger: context.ledger,
                    deviceId: input.deviceId,
                    actor: context.actor,
                    clock: context.clock,
                    logger: context.logger,
                    signal,
                    onStep: (step) => detail(step),
                  });
                  return {
                    evidence: { ...factsAsJson(enrolled.certificate), mode: enrolled.mode, source: enrolled.source },
                    detail: `${enrolled.mode}: ${enrolled.certificate.subject}, serial ${enrolled.certificate.certificateSerial}`,
                  };
                } finally {
                  await opened.close();
                }
              } finally {
                await issuer.close();
              }
            },
          },
        ],
      });
      return { operation };
    },
    'identity:certificate': ({ deviceId }) => recordedCertificates(services().ledger, deviceId),
  };
}
