import { createHash } from 'node:crypto';
import type { SmpMap } from '../../../../main/core/drivers/smp/smp-cbor';
import { ImageErrorRc, SmpRc } from '../../../../main/core/drivers/smp/smp-status';
import { compareImageVersions, IMAGE_HEADER_BYTES, IMAGE_MAGIC } from './mcuboot-image-format';
import { readMcubootImage, type ImageDefect } from './mcuboot-image-reader';
import { optionalBoolean, optionalBytes, optionalUint } from './request-fields';
import type { SmpHandlerResult } from './smp-dispatcher';
import type { SmpDeviceContext } from './smp-device-context';

interface UploadSession {
  lengthBytes: number;
  offset: number;
  sha: Uint8Array | undefined;
}

const DEFECT_RC: Record<ImageDefect, number> = {
  'too-short': ImageErrorRc.invalidImageHeader,
  'bad-magic': ImageErrorRc.invalidImageHeaderMagic,
  'bad-layout': ImageErrorRc.invalidImageHeader,
  'no-hash': ImageErrorRc.invalidHash,
  'hash-mismatch': ImageErrorRc.invalidHash,
};

/**
 * The device side of image upload (protocols.md §1, upload id 1), into the secondary slot.
 * `off: 0` starts an upload, or resumes one whose `sha` matches; a chunk at the wrong offset is dropped
 * and answered with success and the expected `off`; `off: 0` in an answer means start over (nothing in
 * progress). The session lives in RAM as on Zephyr: a reset forgets it. When the last byte lands the
 * image is checked (header, TLVs, SHA-256 TLV) and a bad one is refused with INVALID_HASH.
 */
export class ImageUploadReceiver {
  readonly #device: SmpDeviceContext;
  #session: UploadSession | undefined;

  constructor(device: SmpDeviceContext) {
    this.#device = device;
  }

  /** A reset or an erase ends any upload in progress. */
  forget(): void {
    this.#session = undefined;
  }

  async receive(body: SmpMap): Promise<SmpHandlerResult> {
    const image = optionalUint(body, 'image') ?? 0;
    const offset = optionalUint(body, 'off');
    const data = optionalBytes(body, 'data');
    if (image !== 0) return { groupRc: ImageErrorRc.invalidSlot };
    if (offset === undefined) return { groupRc: ImageErrorRc.invalidOffset };
    if (data === undefined) return { smpRc: SmpRc.invalid, reason: 'data missing' };
    if (offset === 0) {
      const started = await this.#start(body, data);
      if (started) return started;
    }
    const session = this.#session;
    if (!session) return { body: { off: 0 } };
    if (offset !== session.offset) return { body: { off: session.offset } };
    if (offset + data.length > session.lengthBytes) return { groupRc: ImageErrorRc.invalidImageDataOverrun };
    await this.#device.beforeTransferWrite('image', offset, session.lengthBytes);
    await this.#device.flash.program(offset, data.length);
    await this.#device.store.writeSlot(1, offset, data);
    session.offset += data.length;
    this.#device.afterTransferWrite('image', session.offset, session.lengthBytes);
    if (this.#session !== session) return { body: { off: session.offset } }; // a fault reset the device
    if (session.offset < session.lengthBytes) return { body: { off: session.offset } };
    return this.#finish(session);
  }

  /** Handles `off: 0`: an answer when it resumes or refuses, undefined to go on and write the chunk. */
  async #start(body: SmpMap, data: Uint8Array): Promise<SmpHandlerResult | undefined> {
    const lengthBytes = optionalUint(body, 'len');
    const sha = optionalBytes(body, 'sha');
    const isUpgradeOnly = optionalBoolean(body, 'upgrade') ?? false;
    if (lengthBytes === undefined) return { groupRc: ImageErrorRc.invalidLength };
    const current = this.#session;
    if (
      sha &&
      current?.sha &&
      current.offset > 0 &&
      current.lengthBytes === lengthBytes &&
      Buffer.from(sha).equals(Buffer.from(current.sha))
    ) {
      return { body: { off: current.offset } };
    }
    if (data.length < IMAGE_HEADER_BYTES) return { groupRc: ImageErrorRc.invalidImageHeader };
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    if (view.getUint32(0, true) !== IMAGE_MAGIC) return { groupRc: ImageErrorRc.invalidImageHeaderMagic };
    if (lengthBytes > this.#device.config.slotBytes) return { groupRc: ImageErrorRc.invalidImageTooLarge };
    if (this.#device.bootloader.isSecondaryInUse) return { groupRc: ImageErrorRc.noFreeSlot };
    if (isUpgradeOnly) {
      const incoming = {
        major: data[20]!,
        minor: data[21]!,
        revision: view.getUint16(22, true),
        build: view.getUint32(24, true),
      };
      const running = await this.#device.bootloader.readSlot(0);
      if (running && compareImageVersions(incoming, running.version) <= 0)
        return { groupRc: ImageErrorRc.currentVersionIsNewer };
    }
    this.#session = { lengthBytes, offset: 0, sha };
    this.#device.flash.forgetErasedSectors();
    await this.#device.store.eraseSlot(1);
    return undefined;
  }

  async #finish(session: UploadSession): Promise<SmpHandlerResult> {
    this.#session = undefined;
    const written = (await this.#device.store.readSlot(1)) ?? new Uint8Array(0);
    const checked = readMcubootImage(written);
    if (!checked.ok) {
      await this.#device.store.eraseSlot(1);
      return { groupRc: DEFECT_RC[checked.defect] };
    }
    const answer: SmpMap = { off: session.offset };
    if (session.sha)
      answer.match = Buffer.from(createHash('sha256').update(written).digest()).equals(
        Buffer.from(session.sha),
      );
    return { body: answer };
  }
}
