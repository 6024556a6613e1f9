import type { SmpClient } from '../drivers/smp/smp-client';
import {
  isFilePresent,
  isSettingPresent,
  occupiedSecondarySlots,
  readCertificateIfAny,
  readIdentitySecrets,
} from './device-wipe-commands';
import type { WipeInventory } from './wipe-inventory';

/** One read-back: what was checked, the SMP request that checked it, and what it found. */
export interface WipeCheck {
  checked: string;
  how: string;
  /** Items still there; empty when clean. */
  remaining: string[];
}

/**
 * Reads everything back after a wipe (protocols.md §7: "afterwards reads must show nothing left"):
 * the identity group must report no key and no certificate, every known setting and file must be gone,
 * and no slot but the running one may hold an image. Each remaining item is named exactly, e.g.
 * `setting wifi/psk`, so a failed wipe says what survived.
 */
export async function verifyWipe(
  client: SmpClient,
  inventory: WipeInventory,
  signal: AbortSignal,
): Promise<WipeCheck[]> {
  const secrets = await readIdentitySecrets(client, signal);
  const key: WipeCheck = {
    checked: 'device key',
    how: 'identity (64) read (0): "key" must be false',
    remaining:
      secrets.hasKey === false
        ? []
        : [secrets.hasKey === true ? 'device key' : 'device key (the device does not report whether it holds one)'],
  };
  const certificate = await readCertificateIfAny(client, signal);
  const certificateCheck: WipeCheck = {
    checked: 'installed certificate',
    how: 'identity (64) certificate read (2): must answer NO_CERTIFICATE',
    remaining: certificate === null ? [] : ['device certificate'],
  };
  const settings: WipeCheck = {
    checked: `${inventory.settingNames.length} known setting(s)`,
    how: 'settings (3) read (0) of each name: must answer KEY_NOT_FOUND',
    remaining: [],
  };
  for (const name of inventory.settingNames)
    if (await isSettingPresent(client, name, signal)) settings.remaining.push(`setting ${name}`);
  const files: WipeCheck = {
    checked: `${inventory.filePaths.length} known file(s)`,
    how: 'file system (8) status (1) of each path: must answer FILE_NOT_FOUND',
    remaining: [],
  };
  for (const path of inventory.filePaths)
    if (await isFilePresent(client, path, signal)) files.remaining.push(`file ${path}`);
  const slots: WipeCheck = {
    checked: 'secondary image slot',
    how: 'image (1) state read (0): no slot but the running one may hold an image',
    remaining: await occupiedSecondarySlots(client, signal),
  };
  return [key, certificateCheck, settings, files, slots];
}

export function remainingItems(checks: readonly WipeCheck[]): string[] {
  return checks.flatMap((check) => check.remaining);
}
