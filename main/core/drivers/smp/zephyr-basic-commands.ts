import type { SmpClient } from './smp-client';
import { SmpGroup } from './smp-header';

/** Zephyr basic group 63 command ids (protocols.md §1). */
export const ZephyrBasicCommand = { eraseStorage: 0 } as const;

/**
 * Erases the storage partition (protocols.md §1, group 63): saved settings and the file system are gone;
 * runtime settings stay in RAM until the next reset. Part of wipe (protocols.md §7).
 */
export async function eraseStorage(client: SmpClient, signal?: AbortSignal): Promise<void> {
  await client.request(
    {
      op: 'write',
      group: SmpGroup.zephyrBasic,
      commandId: ZephyrBasicCommand.eraseStorage,
      body: {},
      timeoutMs: 60_000,
    },
    signal,
  );
}
