import type { JsonValue } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { secretDigest } from '../config/secret-values';
import type { SmpClient } from '../drivers/smp/smp-client';
import { planProvision } from './plan-provision';
import type { ProvisionStepInput } from './provision-steps';
import { readDeviceState } from './read-device-state';

export const CONFIG_APPLIED_EVENT = 'config.applied';

/**
 * Reads the device again and plans again: the firmware, the certificate and every readable setting must
 * now match the recipe. Then records `config.applied` with the recipe's provenance (name, version,
 * content hash, git commit) and each setting's value, or for a secret its salted hash.
 */
export async function verifyProvisioned(
  client: SmpClient,
  input: ProvisionStepInput,
  signal: AbortSignal,
): Promise<{ evidence: { eventId: string; position: number }; detail: string }> {
  const { recipe, plan } = input;
  const state = await readDeviceState(client, [...recipe.settings.keys()], signal);
  if (state.identity.hardwareId !== plan.device.hardwareId)
    throw new AppError('DEVICE_MISMATCH', `the device reports hardware id ${state.identity.hardwareId}, not ${plan.device.hardwareId}`);
  const after = planProvision(recipe, state, input.clock.nowMs());
  if (after.firmware.action !== 'none')
    throw new AppError('FIRMWARE_VERIFY_FAILED', `the device runs ${after.firmware.runningVersion ?? 'no image'}, not ${after.firmware.bundleVersion}`);
  if (after.certificate.action !== 'none')
    throw new AppError('CERTIFICATE_VERIFY_FAILED', `the device's certificate is not what the recipe wants (${after.certificate.status})`);
  const differing = after.settings.filter((setting) => setting.action === 'write' && setting.status !== 'write-only');
  if (differing.length > 0)
    throw new AppError('CONFIG_VERIFY_FAILED', `settings differ from the recipe after apply: ${differing.map((setting) => setting.name).join(', ')}`, {
      details: { settings: differing.map((setting) => setting.name) },
    });
  const event = input.ledger.append({
    actor: input.actor,
    deviceId: plan.deviceId,
    type: CONFIG_APPLIED_EVENT,
    payload: {
      recipe: { ...plan.recipe },
      inputs: {
        deviceTable: plan.inputs.deviceTable === null ? null : { ...plan.inputs.deviceTable },
        siteValues: plan.inputs.siteValues === null ? null : { ...plan.inputs.siteValues },
      },
      firmware: { version: recipe.bundle.version, bundleSha256: recipe.bundle.bundleSha256, imageHash: recipe.bundle.imageHash },
      certificateFingerprintSha256: after.certificate.fingerprintSha256,
      settings: [...recipe.settings].map(([name, desired]): { [key: string]: JsonValue } =>
        desired.isSecret
          ? { name, isSecret: true, digest: secretDigest(plan.deviceId, desired.text) }
          : { name, isSecret: false, value: desired.text },
      ),
      unverifiedSettings: after.settings.filter((setting) => setting.status === 'write-only').map((setting) => setting.name),
    },
  });
  return { evidence: { eventId: event.id, position: event.position }, detail: `recipe ${plan.recipe.name}@${plan.recipe.version} applied and verified` };
}
