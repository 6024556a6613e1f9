import type { JsonValue } from '../../../shared/contract';
import type { StoredEvent } from '../ports/ledger-store';

/** The settings and files a wipe deletes by name and then reads back, one by one. */
export interface WipeInventory {
  settingNames: string[];
  filePaths: string[];
}

/** Events whose payload names settings or files put on the device (README.md, "What is known"). */
const INVENTORY_EVENT_TYPES = new Set(['config.applied', 'file.uploaded']);

/**
 * Neither the settings group nor fs_mgmt can list what a device holds (protocols.md §1), so a wipe
 * checks the names it knows: every setting and file the ledger recorded being put on this device
 * (`config.applied` payload `settings` as an object of name → value or a list of names or `{name}`;
 * `settingNames`; `files` as a list of paths or `{path}`), plus the names the caller adds (a recipe, the
 * operator). Everything else on the storage partition goes with the storage erase (group 63).
 */
export function wipeInventory(history: readonly StoredEvent[], extra: Partial<WipeInventory> = {}): WipeInventory {
  const settings = new Set(extra.settingNames ?? []);
  const files = new Set(extra.filePaths ?? []);
  for (const event of history) {
    if (!INVENTORY_EVENT_TYPES.has(event.type)) continue;
    const payload = asObject(event.payload);
    if (payload === null) continue;
    for (const name of namesIn(payload.settings, 'name')) settings.add(name);
    for (const name of namesIn(payload.settingNames, 'name')) settings.add(name);
    for (const path of namesIn(payload.files, 'path')) files.add(path);
    if (typeof payload.path === 'string' && event.type === 'file.uploaded') files.add(payload.path);
  }
  return { settingNames: [...settings].sort(), filePaths: [...files].sort() };
}

function namesIn(value: JsonValue | undefined, key: string): string[] {
  if (Array.isArray(value))
    return value.flatMap((entry) => {
      if (typeof entry === 'string') return [entry];
      const named = asObject(entry)?.[key];
      return typeof named === 'string' ? [named] : [];
    });
  const object = asObject(value);
  return object === null ? [] : Object.keys(object);
}

function asObject(value: JsonValue | undefined): { [key: string]: JsonValue } | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : null;
}
