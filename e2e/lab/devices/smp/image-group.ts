import { ImageCommand } from '../../../../main/core/drivers/smp/image-commands';
import type { SmpMap } from '../../../../main/core/drivers/smp/smp-cbor';
import { SmpGroup } from '../../../../main/core/drivers/smp/smp-header';
import { ImageErrorRc, SmpRc } from '../../../../main/core/drivers/smp/smp-status';
import { ImageUploadReceiver } from './image-upload-receiver';
import { optionalBoolean, optionalBytes, optionalUint } from './request-fields';
import type { SmpDispatcher, SmpHandlerResult } from './smp-dispatcher';
import type { SmpDeviceContext } from './smp-device-context';

/**
 * Image group 1 (protocols.md §1): state read/write, upload, erase, slot info. Single-image device
 * (image 0) with a primary and a secondary slot, as MCUboot swap-using-move lays them out.
 */
export function registerImageGroup(dispatcher: SmpDispatcher, device: SmpDeviceContext): ImageUploadReceiver {
  const upload = new ImageUploadReceiver(device);
  dispatcher.on(SmpGroup.image, ImageCommand.state, 'read', async () => ({
    body: await imageStateBody(device),
  }));
  dispatcher.on(SmpGroup.image, ImageCommand.state, 'write', async (body) => {
    const outcome = await device.bootloader.writeState(
      optionalBytes(body, 'hash'),
      optionalBoolean(body, 'confirm') ?? false,
    );
    return outcome.ok ? { body: await imageStateBody(device) } : { groupRc: outcome.imageRc };
  });
  dispatcher.on(SmpGroup.image, ImageCommand.upload, 'write', (body) => upload.receive(body));
  dispatcher.on(SmpGroup.image, ImageCommand.erase, 'write', async (body): Promise<SmpHandlerResult> => {
    const slot = optionalUint(body, 'slot') ?? 1;
    if (slot !== 1) return { groupRc: ImageErrorRc.invalidSlot };
    if (device.bootloader.isSecondaryInUse) return { groupRc: ImageErrorRc.imageAlreadyPending };
    upload.forget();
    await device.flash.erase(device.config.slotBytes);
    await device.store.eraseSlot(1);
    return { body: {} };
  });
  dispatcher.on(SmpGroup.image, ImageCommand.slotInfo, 'read', () =>
    Promise.resolve<SmpHandlerResult>({
      body: {
        images: [
          {
            image: 0,
            slots: [
              { slot: 0, size: device.config.slotBytes },
              { slot: 1, size: device.config.slotBytes, upload_image_id: 0 },
            ],
            max_image_size: device.config.slotBytes,
          },
        ],
      },
    }),
  );
  dispatcher.setLegacyTranslation(SmpGroup.image, legacyImageRc);
  return upload;
}

async function imageStateBody(device: SmpDeviceContext): Promise<SmpMap> {
  const images = (await device.bootloader.slotStates()).map((state) => {
    const entry: SmpMap = {
      image: 0,
      slot: state.slot,
      version: state.image.versionText,
      hash: state.image.hash,
      bootable: true,
    };
    // Flags that are false are left out, as Zephyr does.
    if (state.isPending) entry.pending = true;
    if (state.isConfirmed) entry.confirmed = true;
    if (state.isActive) entry.active = true;
    if (state.isPermanent) entry.permanent = true;
    return entry;
  });
  return { images, splitStatus: 0 };
}

/** How an SMP v1 request sees image errors (Zephyr's img_mgmt legacy translation, simplified). */
function legacyImageRc(rc: number): number {
  switch (rc) {
    case ImageErrorRc.noFreeSlot:
    case ImageErrorRc.currentVersionIsNewer:
    case ImageErrorRc.imageAlreadyPending:
      return SmpRc.badState;
    case ImageErrorRc.hashNotFound:
    case ImageErrorRc.noImage:
      return SmpRc.noEntry;
    case ImageErrorRc.invalidImageHeader:
    case ImageErrorRc.invalidImageHeaderMagic:
    case ImageErrorRc.invalidHash:
    case ImageErrorRc.invalidImageTooLarge:
    case ImageErrorRc.invalidImageDataOverrun:
    case ImageErrorRc.invalidOffset:
    case ImageErrorRc.invalidLength:
    case ImageErrorRc.invalidSlot:
      return SmpRc.invalid;
    default:
      return SmpRc.unknown;
  }
}
