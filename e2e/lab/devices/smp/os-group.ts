import { OsCommand } from '../../../../main/core/drivers/smp/os-commands';
import type { SmpMap } from '../../../../main/core/drivers/smp/smp-cbor';
import { SmpGroup } from '../../../../main/core/drivers/smp/smp-header';
import { SmpRc } from '../../../../main/core/drivers/smp/smp-status';
import { optionalText } from './request-fields';
import type { SmpDispatcher } from './smp-dispatcher';
import type { SmpDeviceContext } from './smp-device-context';

/** MCUboot mode as Zephyr reports it for swap-using-move. */
const MCUBOOT_MODE_SWAP_USING_MOVE = 3;

/** What echo answers while unhealthy firmware runs (`unhealthyFirmwareVersions`, smp-device-config.ts). */
export const UNHEALTHY_ECHO = 'hard fault at 0x0000beef';

async function isRunningUnhealthyFirmware(device: SmpDeviceContext): Promise<boolean> {
  const versions = device.config.unhealthyFirmwareVersions ?? [];
  if (versions.length === 0) return false;
  const running = await device.bootloader.readSlot(0);
  return running !== undefined && versions.includes(running.versionText);
}

/** OS group 0 (protocols.md §1): echo, reset, mcumgr params, info, bootloader info. */
export function registerOsGroup(dispatcher: SmpDispatcher, device: SmpDeviceContext): void {
  dispatcher.on(SmpGroup.os, OsCommand.echo, 'write', async (body) => {
    const text = optionalText(body, 'd');
    if (text === undefined) return { smpRc: SmpRc.invalid };
    return { body: { r: (await isRunningUnhealthyFirmware(device)) ? UNHEALTHY_ECHO : text } };
  });
  // The device answers, then resets (protocols.md §1).
  dispatcher.on(SmpGroup.os, OsCommand.reset, 'write', () => {
    device.scheduleReset();
    return Promise.resolve({ body: {} });
  });
  dispatcher.on(SmpGroup.os, OsCommand.mcumgrParams, 'read', () =>
    Promise.resolve({ body: { buf_size: device.config.bufSizeBytes, buf_count: device.config.bufCount } }),
  );
  dispatcher.on(SmpGroup.os, OsCommand.info, 'read', async (body) => {
    const format = optionalText(body, 'format') ?? 's';
    const running = await device.bootloader.readSlot(0);
    const fields: Record<string, string> = {
      s: 'Zephyr',
      n: device.config.name,
      r: running?.versionText ?? 'unknown',
      v: `fieldline-lab-${running?.versionText ?? 'unknown'}`,
      b: 'lab',
      m: 'arm',
      p: 'cortex-m4',
      i: device.config.model,
      o: 'Zephyr',
    };
    const letters = format === 'a' ? Object.keys(fields) : [...format];
    if (letters.some((letter) => fields[letter] === undefined)) return { groupRc: 2 }; // OS_MGMT_ERR_INVALID_FORMAT
    return { body: { output: letters.map((letter) => fields[letter]).join(' ') } };
  });
  dispatcher.on(SmpGroup.os, OsCommand.bootloaderInfo, 'read', (body) => {
    const query = optionalText(body, 'query');
    if (query === undefined) return Promise.resolve({ body: { bootloader: 'MCUboot' } });
    // Zephyr sends `no-downgrade` only when CONFIG_MCUBOOT_BOOTLOADER_NO_DOWNGRADE is set.
    if (query === 'mode') {
      const body: SmpMap = { mode: MCUBOOT_MODE_SWAP_USING_MOVE };
      if (device.bootloader.isNoDowngrade) body['no-downgrade'] = true;
      return Promise.resolve({ body });
    }
    return Promise.resolve({ groupRc: 3 }); // OS_MGMT_ERR_QUERY_YIELDS_NO_ANSWER
  });
  dispatcher.setLegacyTranslation(SmpGroup.os, (rc) => (rc === 2 ? SmpRc.invalid : SmpRc.unknown));
}
