import type { OperationSummary } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { readDeviceIdentity, zeroizeDevice } from '../drivers/smp/identity-commands';
import { eraseImageSlot } from '../drivers/smp/image-commands';
import type { SmpClient } from '../drivers/smp/smp-client';
import { eraseStorage } from '../drivers/smp/zephyr-basic-commands';
import type { OperationService, OperationStepDefinition } from '../operations/operation-service';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import { deleteSetting, readCertificateIfAny, readIdentitySecrets, saveSettings } from './device-wipe-commands';
import { certificatesToRevoke } from './revocable-certificates';
import type { RetirementLedger } from './retirement-ledger';
import { action, sanitizationBody, verifyStep, type RetirementFacts } from './retirement-evidence';
import { signSanitizationCertificate, type CertificateSigner, type SanitizationMethod } from './sanitization-certificate';
import { recordRetirement } from './record-retirement';
import { wipeInventory, type WipeInventory } from './wipe-inventory';

/** An SMP client to the device, and how to let go of the link. */
export interface OpenedSmpDevice {
  client: SmpClient;
  close(): Promise<void>;
}

/**
 * What the host supplies for retirement (create-core's optional `retirement` port): a way to reach the
 * device over SMP and the station key that signs certificates of sanitization.
 */
export interface RetirementPorts {
  openDevice(deviceId: string, signal: AbortSignal): Promise<OpenedSmpDevice>;
  signer(): Promise<CertificateSigner>;
}

export interface RetireDeviceRequest {
  deviceId: string;
  method: SanitizationMethod;
  /** Who retires it (the certificate names them); the station's actor when absent. */
  operator: string;
  /** Settings and files to delete and check besides those the ledger knows (wipe-inventory.ts). */
  extraInventory?: Partial<WipeInventory>;
}

export interface RetirementServices {
  operations: Pick<OperationService, 'start' | 'whenDone'>;
  ledger: RetirementLedger;
  clock: Clock;
  stationId: string;
  actor: string;
  logger: Logger;
}

/**
 * Starts retiring a device as an operation (kind `retire`): read identity → zeroize → delete settings →
 * delete files and erase storage → erase the secondary slot → verify by reading back → sign the
 * certificate of sanitization and record `device.retired` and the revocation. A read-back that finds
 * anything records `device.wipe-failed` naming it, and the operation fails there: no device is recorded
 * retired without a verified wipe. Returns the operation at once; `operations.whenDone` waits for it.
 */
export function startRetirement(
  services: RetirementServices,
  ports: RetirementPorts,
  request: RetireDeviceRequest,
): OperationSummary {
  const facts: RetirementFacts = { revocable: [], actions: [] };
  const client = (): SmpClient => {
    if (facts.device === undefined) throw new AppError('INTERNAL', 'retirement step ran before the device was opened');
    return facts.device.client;
  };
  const steps: OperationStepDefinition[] = [
    {
      name: 'read-identity',
      label: 'Read the device identity and certificate',
      run: async (context) => {
        facts.device = await ports.openDevice(request.deviceId, context.signal);
        const identity = await readDeviceIdentity(client(), context.signal);
        const hardwareId = Buffer.from(identity.hardwareId).toString('hex');
        refuseOtherDevice(request.deviceId, hardwareId, identity.serialNumber);
        const secrets = await readIdentitySecrets(client(), context.signal);
        if (request.method === 'purge' && !secrets.isCryptoErase)
          throw new AppError(
            'WIPE_METHOD_UNSUPPORTED',
            `${identity.serialNumber} does not report a cryptographic erase (identity read "sanitize"), so its wipe is NIST SP 800-88 Clear, not Purge`,
            { details: { deviceId: request.deviceId } },
          );
        const installed = await readCertificateIfAny(client(), context.signal);
        facts.identity = { hardwareId, serial: identity.serialNumber, model: identity.model, isCryptoErase: secrets.isCryptoErase };
        facts.revocable = certificatesToRevoke(installed, services.ledger, request.deviceId);
        facts.inventory = wipeInventory(services.ledger.deviceHistory(request.deviceId), request.extraInventory);
        return {
          evidence: {
            hardwareId,
            serial: identity.serialNumber,
            model: identity.model,
            hasKey: secrets.hasKey,
            isCryptoErase: secrets.isCryptoErase,
            certificates: facts.revocable.map((certificate) => ({ ...certificate })),
            settingNames: facts.inventory.settingNames,
            filePaths: facts.inventory.filePaths,
          },
          detail: `${identity.serialNumber} (${identity.model}), ${installed === null ? 'no certificate installed' : 'certificate installed'}`,
        };
      },
    },
    {
      name: 'zeroize',
      label: 'Zeroize keys and credentials',
      run: async (context) => {
        await zeroizeDevice(client(), context.signal);
        return action(facts, 'zeroize', 'identity (64) zeroize (3)', ['device key', 'certificate chain', 'settings']);
      },
    },
    {
      name: 'delete-settings',
      label: 'Delete settings',
      run: async (context) => {
        const names = facts.inventory?.settingNames ?? [];
        const deleted: string[] = [];
        for (const [index, name] of names.entries()) {
          if (await deleteSetting(client(), name, context.signal)) deleted.push(name);
          context.progress(index + 1, names.length, 'items');
        }
        await saveSettings(client(), context.signal);
        return action(facts, 'delete-settings', 'settings (3) delete (1) of each name, then save (3)', names, {
          deleted,
        });
      },
    },
    {
      name: 'erase-storage',
      label: 'Delete files and erase storage',
      run: async (context) => {
        // fs_mgmt has no delete: erasing the storage partition (group 63) removes the file system whole.
        await eraseStorage(client(), context.signal);
        return action(facts, 'erase-storage', 'zephyr basic (63) erase storage (0)', [
          'storage partition',
          ...(facts.inventory?.filePaths ?? []),
        ]);
      },
    },
    {
      name: 'erase-slot',
      label: 'Erase the secondary image slot',
      run: async (context) => {
        await eraseImageSlot(client(), 1, context.signal);
        return action(facts, 'erase-slot', 'image (1) erase (5) slot 1', ['image slot 1']);
      },
    },
    {
      name: 'verify-wipe',
      label: 'Verify by reading back',
      run: (context) => verifyStep(services, request, facts, context),
    },
    {
      name: 'certify',
      label: 'Sign the certificate of sanitization',
      run: async () => {
        const certificate = await signSanitizationCertificate(sanitizationBody(services, request, facts), await ports.signer());
        const retired = recordRetirement(services, request, certificate, facts.revocable);
        return {
          evidence: { retiredEventId: retired.id, keyId: certificate.signature.keyId, revocations: facts.revocable.length },
          detail: `signed by station key ${certificate.signature.keyId.slice(0, 16)}…; ${facts.revocable.length} revocation(s) queued`,
        };
      },
    },
  ];
  const summary = services.operations.start({
    kind: 'retire',
    deviceId: request.deviceId,
    title: `NIST SP 800-88 ${request.method === 'purge' ? 'Purge' : 'Clear'}`,
    steps,
    facts: { method: request.method, operator: request.operator },
  });
  facts.operationId = summary.id;
  void services.operations
    .whenDone(summary.id)
    .then(() => facts.device?.close())
    .catch((error: unknown) => services.logger.warn({ err: error, deviceId: request.deviceId }, 'could not close the device link after retirement'));
  return summary;
}

/** A device id naming a hardware id or serial must be the device that answered. */
function refuseOtherDevice(deviceId: string, hardwareId: string, serial: string): void {
  const [kind, value] = deviceId.split(':', 2);
  const isOther =
    (kind === 'hwid' && value !== undefined && value.toUpperCase() !== hardwareId.toUpperCase()) ||
    (kind === 'serial' && value !== undefined && value.toUpperCase() !== serial.replace(/\s+/g, '').toUpperCase());
  if (isOther)
    throw new AppError('DEVICE_MISMATCH', `The device that answered (${serial}, hwid ${hardwareId}) is not ${deviceId}`, {
      details: { deviceId, hardwareId, serial },
    });
}
