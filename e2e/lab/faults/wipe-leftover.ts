import type { SmpDeviceContext } from '../devices/smp/smp-device-context';

/**
 * The `forgetOnWipe` fault (fault-plan.ts): runs one wipe command (`erase`) and puts back the item the
 * faulty firmware forgets — the certificate chain, one setting (runtime and saved) or one file — as if
 * the command had skipped it. Without the fault it only runs `erase`.
 */
export async function wipeForgetting(device: SmpDeviceContext, erase: () => Promise<void>): Promise<void> {
  const rule = device.config.faults?.forgetOnWipe;
  if (rule === undefined) return erase();
  const chain = rule.certificate === true ? await device.credentials.readChain() : undefined;
  const runtime = rule.setting === undefined ? undefined : device.settings.get(rule.setting);
  const saved = rule.setting === undefined ? undefined : (await device.store.readSavedSettings()).get(rule.setting);
  const fileLength = rule.file === undefined ? undefined : await device.fileSystem.length(rule.file);
  const file =
    rule.file === undefined || fileLength === undefined ? undefined : await device.fileSystem.read(rule.file, 0, fileLength);
  await erase();
  if (chain !== undefined) await device.credentials.writeChain(chain);
  if (rule.setting !== undefined && runtime !== undefined) device.settings.set(rule.setting, runtime);
  if (rule.setting !== undefined && saved !== undefined) {
    const after = await device.store.readSavedSettings();
    after.set(rule.setting, saved);
    await device.store.saveSettings(after);
  }
  if (rule.file !== undefined && file !== undefined) {
    await device.fileSystem.truncate(rule.file);
    await device.fileSystem.append(rule.file, file);
  }
}
