import type { PlanSetting, ProvisionPlan, RecipeProvenance } from '../../../shared/contract/provision';
import type { ResolvedVariable } from '../config/resolve-variables';
import { secretDigest } from '../config/secret-values';
import type { SettingReading } from '../config/smp-settings';
import { renderSubject, type CertificateProfile } from '../identity/certificate-profile';
import { certificateFacts } from '../identity/certificate-facts';
import { x509 } from '../identity/x509';
import type { DeviceState } from './device-state';
import type { RecipeBundle } from './recipe-bundle';

/**
 * A certificate is renewed when less than this many days, or less than a third of its lifetime, is left,
 * whichever is shorter: a short-lived certificate (an offline CA issues 30 days) would otherwise count
 * as expiring the moment it was installed, and apply would never be up to date.
 */
export const RENEW_BEFORE_DAYS = 30;
const DAY_MS = 86_400_000;

/** Everything a plan needs from the recipe side, already resolved for one device. */
export interface PlanRecipe {
  deviceId: string;
  hardwareRevision: string;
  provenance: RecipeProvenance;
  inputs: ProvisionPlan['inputs'];
  bundle: RecipeBundle;
  profile: CertificateProfile;
  variables: ReadonlyMap<string, ResolvedVariable>;
  /** Setting name → the text it should hold; secret when its template uses a secret variable. */
  settings: ReadonlyMap<string, { text: string; isSecret: boolean }>;
}

/**
 * What must change on a device to reach its recipe: the firmware (running image hash vs the bundle's),
 * the certificate (none, expiring, another subject, fine), and each setting (read value vs desired).
 * Pure: the device state was read before. Secrets appear only as salted digests.
 */
export function planProvision(recipe: PlanRecipe, state: DeviceState, nowMs: number): ProvisionPlan {
  const firmware = planFirmware(recipe.bundle, state.firmware);
  const certificate = planCertificate(recipe, state, nowMs);
  const settings = [...recipe.settings].map(([name, desired]) =>
    planSetting(recipe.deviceId, name, desired, state.settings.get(name) ?? { kind: 'absent' }),
  );
  return {
    deviceId: recipe.deviceId,
    device: { ...state.identity, hardwareRevision: recipe.hardwareRevision },
    recipe: recipe.provenance,
    inputs: recipe.inputs,
    variables: [...recipe.variables.values()].map((variable) => ({
      name: variable.name,
      source: variable.source,
      isSecret: variable.isSecret,
      value: variable.isSecret ? null : variable.text,
      digest: variable.isSecret ? secretDigest(recipe.deviceId, variable.text) : null,
      allocation:
        variable.allocation === undefined
          ? null
          : { counter: variable.allocation.counter, isNew: !variable.allocation.isRecorded },
    })),
    firmware,
    certificate,
    settings,
    isUpToDate:
      firmware.action === 'none' && certificate.action === 'none' && settings.every((setting) => setting.action === 'none'),
  };
}

function planFirmware(bundle: RecipeBundle, running: DeviceState['firmware']): ProvisionPlan['firmware'] {
  const isCurrent = running !== null && running.hash.toLowerCase() === bundle.imageHash;
  return {
    action: isCurrent ? 'none' : 'install',
    bundleVersion: bundle.version,
    bundleSha256: bundle.bundleSha256,
    imageHash: bundle.imageHash,
    runningVersion: running?.version ?? null,
    runningHash: running?.hash ?? null,
    summary: isCurrent
      ? `up to date (${bundle.version})`
      : `install ${bundle.version} (device runs ${running === null ? 'no image' : running.version})`,
  };
}

function planCertificate(recipe: PlanRecipe, state: DeviceState, nowMs: number): ProvisionPlan['certificate'] {
  const expectedSubject = renderSubject(recipe.profile, {
    hardwareId: state.identity.hardwareId,
    serialNumber: state.identity.serial,
    model: state.identity.model,
  });
  const leafDer = state.certificateChain?.[0];
  const empty = { currentSubject: null, notAfter: null, fingerprintSha256: null };
  if (leafDer === undefined)
    return { action: 'enroll', status: 'none', expectedSubject, ...empty, summary: 'enroll (the device holds no certificate)' };
  let leaf: x509.X509Certificate;
  try {
    leaf = new x509.X509Certificate(Uint8Array.from(leafDer).buffer);
  } catch {
    return { action: 'enroll', status: 'unreadable', expectedSubject, ...empty, summary: 'enroll (the installed certificate does not parse)' };
  }
  const facts = certificateFacts(leaf);
  const current = { currentSubject: facts.subject, notAfter: facts.notAfter, fingerprintSha256: facts.fingerprintSha256 };
  const isSameSubject =
    recipe.profile.issuedSubject === 'exact'
      ? facts.subject === expectedSubject
      : leaf.subjectName.getField('CN')[0] === expectedSubject.slice(expectedSubject.lastIndexOf('CN=') + 3);
  const notAfterMs = leaf.notAfter.getTime();
  if (!isSameSubject)
    return { action: 'enroll', status: 'subject-differs', expectedSubject, ...current, summary: `enroll (the device's certificate is for ${facts.subject})` };
  if (notAfterMs <= nowMs)
    return { action: 'enroll', status: 'expired', expectedSubject, ...current, summary: `renew (expired ${facts.notAfter})` };
  const renewWindowMs = Math.min(RENEW_BEFORE_DAYS * DAY_MS, (notAfterMs - leaf.notBefore.getTime()) / 3);
  if (notAfterMs - nowMs < renewWindowMs)
    return { action: 'enroll', status: 'expiring', expectedSubject, ...current, summary: `renew (expires ${facts.notAfter})` };
  return { action: 'none', status: 'ok', expectedSubject, ...current, summary: `up to date (valid until ${facts.notAfter})` };
}

function planSetting(
  deviceId: string,
  name: string,
  desired: { text: string; isSecret: boolean },
  reading: SettingReading,
): PlanSetting {
  const desiredBytes = Buffer.from(desired.text, 'utf8');
  const shown = (bytes: Uint8Array): { text: string | null; digest: string | null } =>
    desired.isSecret
      ? { text: null, digest: secretDigest(deviceId, bytes) }
      : { text: Buffer.from(bytes).toString('utf8'), digest: null };
  const want = shown(desiredBytes);
  const base = { name, isSecret: desired.isSecret, desired: want.text, desiredDigest: want.digest };
  if (reading.kind === 'write-only')
    return { ...base, action: 'write', status: 'write-only', current: null, currentDigest: null, summary: 'will be written (the device cannot read it back)' };
  if (reading.kind === 'absent')
    return { ...base, action: 'write', status: 'absent', current: null, currentDigest: null, summary: desired.isSecret ? 'set (secret)' : `set to "${desired.text}"` };
  const have = shown(reading.bytes);
  const isSame = Buffer.from(reading.bytes).equals(desiredBytes);
  if (isSame) return { ...base, action: 'none', status: 'same', current: have.text, currentDigest: have.digest, summary: 'up to date' };
  return {
    ...base,
    action: 'write',
    status: 'differs',
    current: have.text,
    currentDigest: have.digest,
    summary: desired.isSecret ? 'change (secret differs)' : `change "${have.text ?? ''}" to "${desired.text}"`,
  };
}
