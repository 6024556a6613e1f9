import { z } from 'zod';
import { AppError } from '../../../shared/errors';
import type { SmpClient } from '../drivers/smp/smp-client';
import { SmpGroup } from '../drivers/smp/smp-header';
import { parseSmpResponse, smpBytes } from '../drivers/smp/smp-response';
import { SettingsErrorRc, SmpRc } from '../drivers/smp/smp-status';

/** Settings group 3 command ids (protocols.md §1). */
const SettingsCommand = { readWrite: 0, delete: 1, commit: 2, loadSave: 3 } as const;

/** A setting as the device reports it: its bytes, not set, or not readable (write-only, e.g. a key). */
export type SettingReading =
  | { kind: 'value'; bytes: Uint8Array }
  | { kind: 'absent' }
  | { kind: 'write-only' };

const readAnswer = z.object({ val: smpBytes });

/** What a device's settings look like to provisioning; `settingsOverSmp` speaks SMP group 3. */
export interface DeviceSettings {
  read(name: string, signal?: AbortSignal): Promise<SettingReading>;
  write(name: string, value: Uint8Array, signal?: AbortSignal): Promise<void>;
  /** Persists the runtime values (settings save), so they survive a reset. */
  save(signal?: AbortSignal): Promise<void>;
}

export function settingsOverSmp(client: SmpClient): DeviceSettings {
  return {
    async read(name, signal) {
      try {
        const body = await client.request({ op: 'read', group: SmpGroup.settings, commandId: SettingsCommand.readWrite, body: { name } }, signal);
        return { kind: 'value', bytes: parseSmpResponse(readAnswer, body, 'settings read').val };
      } catch (error: unknown) {
        const rc = settingsRc(error);
        if (rc === 'not-found') return { kind: 'absent' };
        if (rc === 'read-not-supported') return { kind: 'write-only' };
        throw error;
      }
    },
    async write(name, value, signal) {
      await client.request({ op: 'write', group: SmpGroup.settings, commandId: SettingsCommand.readWrite, body: { name, val: value } }, signal);
    },
    async save(signal) {
      await client.request({ op: 'write', group: SmpGroup.settings, commandId: SettingsCommand.loadSave, body: {} }, signal);
    },
  };
}

/** KEY_NOT_FOUND / READ_NOT_SUPPORTED in group 3 (SMP v2), or their legacy translations (SMP v1). */
function settingsRc(error: unknown): 'not-found' | 'read-not-supported' | null {
  if (!(error instanceof AppError) || error.code !== 'DEVICE_REJECTED') return null;
  const details = error.details ?? {};
  if (details.kind === 'group-error' && details.group === SmpGroup.settings) {
    if (details.rc === SettingsErrorRc.keyNotFound) return 'not-found';
    if (details.rc === SettingsErrorRc.readNotSupported) return 'read-not-supported';
  }
  if (details.kind === 'smp-error' && details.rc === SmpRc.noEntry) return 'not-found';
  return null;
}
