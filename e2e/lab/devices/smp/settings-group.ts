import type { SmpMap } from '../../../../main/core/drivers/smp/smp-cbor';
import { SmpGroup } from '../../../../main/core/drivers/smp/smp-header';
import { SettingsErrorRc, SmpRc } from '../../../../main/core/drivers/smp/smp-status';
import { optionalBytes, optionalText } from './request-fields';
import type { SmpDispatcher, SmpHandlerResult } from './smp-dispatcher';
import type { SmpDeviceContext } from './smp-device-context';

/** Settings command ids (protocols.md §1, "Settings (group 3)"). */
const SettingsCommand = { readWrite: 0, delete: 1, commit: 2, loadSave: 3 } as const;
/** Zephyr's default CONFIG_SETTINGS_MGMT_... key length limit. */
const MAX_NAME_LENGTH = 64;

/**
 * Settings group 3: write changes the runtime value, save persists runtime values to the state folder,
 * load (read of id 3) restores the saved ones, delete removes a key from both, commit is accepted.
 */
export function registerSettingsGroup(dispatcher: SmpDispatcher, device: SmpDeviceContext): void {
  const named = (body: SmpMap): string | SmpHandlerResult => {
    const name = optionalText(body, 'name');
    if (name === undefined) return { smpRc: SmpRc.invalid, reason: 'name missing' };
    if (name.length > MAX_NAME_LENGTH) return { groupRc: SettingsErrorRc.keyTooLong };
    return name;
  };
  dispatcher.on(SmpGroup.settings, SettingsCommand.readWrite, 'read', (body) => {
    const name = named(body);
    if (typeof name !== 'string') return Promise.resolve(name);
    const value = device.settings.get(name);
    return Promise.resolve(
      value === undefined ? { groupRc: SettingsErrorRc.keyNotFound } : { body: { val: value } },
    );
  });
  dispatcher.on(SmpGroup.settings, SettingsCommand.readWrite, 'write', (body) => {
    const name = named(body);
    if (typeof name !== 'string') return Promise.resolve(name);
    const value = optionalBytes(body, 'val');
    if (value === undefined) return Promise.resolve({ smpRc: SmpRc.invalid, reason: 'val missing' });
    device.settings.set(name, value);
    return Promise.resolve({ body: {} });
  });
  dispatcher.on(SmpGroup.settings, SettingsCommand.delete, 'write', async (body) => {
    const name = named(body);
    if (typeof name !== 'string') return name;
    const saved = await device.store.readSavedSettings();
    if (!device.settings.has(name) && !saved.has(name)) return { groupRc: SettingsErrorRc.keyNotFound };
    // The forgetOnWipe fault: firmware that answers the delete but keeps the value.
    if (device.config.faults?.forgetOnWipe?.setting === name) return { body: {} };
    device.settings.delete(name);
    saved.delete(name);
    await device.store.saveSettings(saved);
    return { body: {} };
  });
  dispatcher.on(SmpGroup.settings, SettingsCommand.commit, 'write', () => Promise.resolve({ body: {} }));
  dispatcher.on(SmpGroup.settings, SettingsCommand.loadSave, 'read', async () => {
    device.settings.clear();
    for (const [name, value] of await device.store.readSavedSettings()) device.settings.set(name, value);
    return { body: {} };
  });
  dispatcher.on(SmpGroup.settings, SettingsCommand.loadSave, 'write', async () => {
    await device.store.saveSettings(device.settings);
    return { body: {} };
  });
  dispatcher.setLegacyTranslation(SmpGroup.settings, (rc) =>
    rc === SettingsErrorRc.keyTooLong
      ? SmpRc.invalid
      : rc === SettingsErrorRc.keyNotFound
        ? SmpRc.noEntry
        : SmpRc.unknown,
  );
}
