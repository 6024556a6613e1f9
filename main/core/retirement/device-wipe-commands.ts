import { z } from 'zod';
import { AppError } from '../../../shared/errors';
import { FileSystemCommand } from '../drivers/smp/file-system-commands';
import { IdentityCommand, readInstalledCertificate } from '../drivers/smp/identity-commands';
import { readImageState } from '../drivers/smp/image-commands';
import type { SmpClient } from '../drivers/smp/smp-client';
import { SmpGroup } from '../drivers/smp/smp-header';
import { parseSmpResponse } from '../drivers/smp/smp-response';
import { FileSystemErrorRc, IdentityErrorRc, SettingsErrorRc, SmpRc } from '../drivers/smp/smp-status';

/** Settings group 3 command ids (protocols.md §1). */
const SettingsCommand = { readWrite: 0, delete: 1, loadSave: 3 } as const;

/**
 * What identity read (group 64 id 0) says about the device's secrets, beyond who it is (README.md,
 * "Device contract"): `key` whether a device key pair is held, `sanitize: "crypto-erase"` when zeroize
 * destroys the key its storage is encrypted under. A device that leaves `key` out cannot prove the
 * key is gone, so its wipe cannot be verified.
 */
export interface IdentitySecretsStatus {
  hasKey: boolean | null;
  isCryptoErase: boolean;
}

const secretsSchema = z.object({ key: z.boolean().optional(), sanitize: z.string().optional() });

export async function readIdentitySecrets(client: SmpClient, signal: AbortSignal): Promise<IdentitySecretsStatus> {
  const body = await client.request(
    { op: 'read', group: SmpGroup.fieldlineIdentity, commandId: IdentityCommand.identity },
    signal,
  );
  const parsed = parseSmpResponse(secretsSchema, body, 'identity read');
  return { hasKey: parsed.key ?? null, isCryptoErase: parsed.sanitize === 'crypto-erase' };
}

/** The installed leaf certificate (DER), or null when the device answers NO_CERTIFICATE. */
export async function readCertificateIfAny(client: SmpClient, signal: AbortSignal): Promise<Uint8Array | null> {
  try {
    return (await readInstalledCertificate(client, signal)).certificate;
  } catch (error: unknown) {
    if (isAbsent(error, SmpGroup.fieldlineIdentity, IdentityErrorRc.noCertificate)) return null;
    throw error;
  }
}

/** Deletes a setting (runtime and saved); true if it was there, false if the device had no such key. */
export async function deleteSetting(client: SmpClient, name: string, signal: AbortSignal): Promise<boolean> {
  try {
    await client.request(
      { op: 'write', group: SmpGroup.settings, commandId: SettingsCommand.delete, body: { name } },
      signal,
    );
    return true;
  } catch (error: unknown) {
    if (isAbsent(error, SmpGroup.settings, SettingsErrorRc.keyNotFound)) return false;
    throw error;
  }
}

/** Persists the runtime settings (settings save), so a delete survives a reset. */
export async function saveSettings(client: SmpClient, signal: AbortSignal): Promise<void> {
  await client.request(
    { op: 'write', group: SmpGroup.settings, commandId: SettingsCommand.loadSave, body: {} },
    signal,
  );
}

/** Reads a setting back: true while the device still holds a value under that name. */
export async function isSettingPresent(client: SmpClient, name: string, signal: AbortSignal): Promise<boolean> {
  try {
    await client.request(
      { op: 'read', group: SmpGroup.settings, commandId: SettingsCommand.readWrite, body: { name } },
      signal,
    );
    return true;
  } catch (error: unknown) {
    if (isAbsent(error, SmpGroup.settings, SettingsErrorRc.keyNotFound)) return false;
    throw error;
  }
}

/** fs status of a path: true while the file exists. */
export async function isFilePresent(client: SmpClient, path: string, signal: AbortSignal): Promise<boolean> {
  try {
    await client.request(
      { op: 'read', group: SmpGroup.fileSystem, commandId: FileSystemCommand.status, body: { name: path } },
      signal,
    );
    return true;
  } catch (error: unknown) {
    if (isAbsent(error, SmpGroup.fileSystem, FileSystemErrorRc.fileNotFound)) return false;
    throw error;
  }
}

/** Slots other than the running one that image state still lists with an image in them. */
export async function occupiedSecondarySlots(client: SmpClient, signal: AbortSignal): Promise<string[]> {
  const slots = await readImageState(client, signal);
  return slots
    .filter((slot) => !slot.isActive && (slot.hash.length > 0 || slot.version !== ''))
    .map((slot) => `image ${slot.image} slot ${slot.slot} (version ${slot.version})`);
}

/**
 * The device answered "no such thing": the group's own code (SMP v2) or the legacy NOENT a v1 request
 * gets instead (protocols.md §1).
 */
function isAbsent(error: unknown, group: number, groupRc: number): boolean {
  if (!(error instanceof AppError) || error.code !== 'DEVICE_REJECTED') return false;
  const details = error.details ?? {};
  if (details.group === group && details.rc === groupRc) return true;
  return details.kind === 'smp-error' && details.rc === SmpRc.noEntry;
}
