import { SmpGroup } from '../../../../main/core/drivers/smp/smp-header';
import { SmpRc } from '../../../../main/core/drivers/smp/smp-status';
import { ZephyrBasicCommand } from '../../../../main/core/drivers/smp/zephyr-basic-commands';
import { wipeForgetting } from '../../faults/wipe-leftover';
import type { SmpDispatcher } from './smp-dispatcher';
import type { SmpDeviceContext } from './smp-device-context';

/**
 * Zephyr basic group 63 (protocols.md §1): erase storage erases the whole storage partition, which holds
 * the saved settings and the file system. It takes as long as erasing that many sectors; runtime settings
 * stay in RAM until the next reset, as on a device. `forgetOpenFile` drops fs_mgmt's open transfer.
 */
export function registerZephyrBasicGroup(
  dispatcher: SmpDispatcher,
  device: SmpDeviceContext,
  forgetOpenFile: () => void,
): void {
  dispatcher.on(SmpGroup.zephyrBasic, ZephyrBasicCommand.eraseStorage, 'write', async () => {
    forgetOpenFile();
    await wipeForgetting(device, async () => {
      await device.storageFlash.erase(device.fileSystem.capacityBytes);
      await device.fileSystem.erase();
      await device.store.eraseSavedSettings();
    });
    return { body: {} };
  });
  // Zephyr's zephyrbasic_mgmt_translate_error_code: flash failures are UNKNOWN to v1 clients.
  dispatcher.setLegacyTranslation(SmpGroup.zephyrBasic, () => SmpRc.unknown);
}
