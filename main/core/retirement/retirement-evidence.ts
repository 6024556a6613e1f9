import { AppError } from '../../../shared/errors';
import type { StepContext } from '../operations/operation-service';
import type { OpenedSmpDevice, RetireDeviceRequest, RetirementServices } from './retire-device';
import type { RevocableCertificate } from './revocable-certificates';
import { RetirementEvent } from './retirement-ledger';
import type { SanitizationBody } from './sanitization-certificate';
import type { WipeInventory } from './wipe-inventory';
import { remainingItems, verifyWipe, type WipeCheck } from './wipe-verification';

/** What the steps learn on the way, for the certificate at the end. */
export interface RetirementFacts {
  operationId?: string;
  device?: OpenedSmpDevice;
  identity?: { hardwareId: string; serial: string; model: string; isCryptoErase: boolean };
  inventory?: WipeInventory;
  revocable: RevocableCertificate[];
  actions: SanitizationBody['actions'];
  checks?: WipeCheck[];
}

/** The `verify-wipe` step: read back; anything left is recorded `device.wipe-failed` and fails the operation. */
export async function verifyStep(
  services: RetirementServices,
  request: RetireDeviceRequest,
  facts: RetirementFacts,
  context: StepContext,
): Promise<{ evidence: { checks: { checked: string; how: string; remaining: string[] }[] } }> {
  const checks = await verifyWipe(facts.device!.client, facts.inventory!, context.signal);
  facts.checks = checks;
  const remaining = remainingItems(checks);
  for (const entry of facts.actions) {
    const check = checks.find((candidate) => verifiesAction(candidate, entry.name));
    if (check !== undefined)
      entry.verification = { checked: check.checked, how: check.how, result: check.remaining.length === 0 ? 'clean' : check.remaining.join(', ') };
  }
  if (remaining.length > 0) {
    services.ledger.append({
      actor: services.actor,
      deviceId: request.deviceId,
      type: RetirementEvent.wipeFailed,
      payload: { remaining, checks: checks.map((check) => ({ ...check })), method: request.method, operator: request.operator },
    });
    throw new AppError(
      'WIPE_VERIFICATION_FAILED',
      `The wipe left ${remaining.length} item(s) on the device: ${remaining.join(', ')}; the device is not retired`,
      { details: { remaining } },
    );
  }
  return { evidence: { checks: checks.map(({ checked, how }) => ({ checked, how, remaining: [] })) } };
}

/** Which read-back confirms which action. */
function verifiesAction(check: WipeCheck, actionName: string): boolean {
  const byAction: Record<string, string[]> = {
    zeroize: ['device key', 'installed certificate'],
    'delete-settings': ['setting'],
    'erase-storage': ['file'],
    'erase-slot': ['secondary image slot'],
  };
  return (byAction[actionName] ?? []).some((prefix) => check.checked.includes(prefix));
}

/** Records an erase action for the certificate; its verification is filled in by the read-back. */
export function action(
  facts: RetirementFacts,
  name: string,
  command: string,
  targets: string[],
  extra: { deleted?: string[] } = {},
): { evidence: { [key: string]: string | string[] } } {
  facts.actions.push({
    name,
    command,
    targets,
    result: extra.deleted === undefined ? 'done' : `done; ${extra.deleted.length} of ${targets.length} were present`,
    verification: { checked: '', how: '', result: 'not verified' },
  });
  return { evidence: { command, targets, ...(extra.deleted === undefined ? {} : { deleted: extra.deleted }) } };
}

/** The certificate's body from what the steps learned. */
export function sanitizationBody(services: RetirementServices, request: RetireDeviceRequest, facts: RetirementFacts): SanitizationBody {
  const identity = facts.identity!;
  const followed = services.ledger.deviceHistory(request.deviceId).at(-1);
  if (followed === undefined) throw new AppError('INTERNAL', 'no ledger event to anchor the certificate to');
  return {
    device: { id: request.deviceId, hardwareId: identity.hardwareId, serial: identity.serial, model: identity.model },
    method: {
      standard: 'NIST SP 800-88 Rev. 1',
      level: request.method,
      technique:
        request.method === 'purge'
          ? 'cryptographic erase: zeroize destroyed the key the device storage is encrypted under; then storage and secondary slot erased and verified by read-back'
          : 'logical sanitization over SMP: keys and credentials zeroized, settings deleted, storage partition and secondary slot erased, each verified by read-back',
    },
    actions: facts.actions,
    remaining: [],
    revocations: facts.revocable.map(({ certificateSerial, fingerprintSha256 }) => ({
      certificateSerial,
      fingerprintSha256,
      reason: 'cessationOfOperation' as const,
    })),
    operator: request.operator,
    station: { id: services.stationId },
    operationId: facts.operationId ?? 'unknown',
    completedAt: new Date(services.clock.nowMs()).toISOString(),
    followsEventId: followed.id,
  };
}

