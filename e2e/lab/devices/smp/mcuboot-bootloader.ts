import type { KeyObject } from 'node:crypto';
import type { DeviceStateStore } from './device-state-store';
import { TlvType } from './mcuboot-image-format';
import { isSignedByTrustedKey } from './mcuboot-signature';
import { readMcubootImage, type McubootImageInfo } from './mcuboot-image-reader';

/** One slot as image state read reports it (protocols.md §1). */
export interface SlotState {
  slot: number;
  image: McubootImageInfo;
  isPending: boolean;
  isConfirmed: boolean;
  isActive: boolean;
  isPermanent: boolean;
}

/** What the image manager may answer to a state write; numbers are img_mgmt error codes. */
export type StateWriteOutcome = { ok: true } | { ok: false; imageRc: number };

const ImageRc = {
  hashNotFound: 8,
  currentVersionIsNewer: 27,
  imageAlreadyPending: 28,
  testToActiveDenied: 33,
} as const;

export type BootOutcome =
  | 'swapped-for-test'
  | 'swapped-permanently'
  | 'reverted'
  | 'unchanged'
  /** The secondary failed validation (hash, signature, or a security counter below the running one) and was erased. */
  | 'refused';

/** The image's security counter TLV (protected, u32 LE; protocols.md §2), 0 when it has none. */
export function securityCounterOf(image: McubootImageInfo): number {
  const entry = image.tlvs.find((tlv) => tlv.type === TlvType.securityCounter && tlv.isProtected);
  if (!entry || entry.value.length !== 4) return 0;
  return new DataView(entry.value.buffer, entry.value.byteOffset, 4).getUint32(0, true);
}

/**
 * MCUboot's swap behaviour with two slots (protocols.md §1 image state; MCUboot `design.md`): marking the
 * secondary for test swaps it in at the next reset and it runs once; unless it is confirmed, the reset
 * after that swaps back (revert). Marking it permanent swaps for good. Flags follow Zephyr's
 * `img_mgmt_state_flags`. The bootloader refuses to swap in an image whose hash does not verify.
 */
export class McubootBootloader {
  readonly #store: DeviceStateStore;
  readonly #trustedKeys: readonly KeyObject[];
  readonly #isNoDowngrade: boolean;

  /**
   * With trusted keys, only images signed by one of them are swapped in; without, any valid hash will do.
   * With `isNoDowngrade` (MCUboot's downgrade prevention on the security counter), an image whose
   * security counter is below the running image's, or below the hardware counter, is refused.
   */
  constructor(
    store: DeviceStateStore,
    trustedKeys: readonly KeyObject[] = [],
    options: { isNoDowngrade?: boolean } = {},
  ) {
    this.#store = store;
    this.#trustedKeys = trustedKeys;
    this.#isNoDowngrade = options.isNoDowngrade ?? false;
  }

  get isNoDowngrade(): boolean {
    return this.#isNoDowngrade;
  }

  async readSlot(slot: number): Promise<McubootImageInfo | undefined> {
    const bytes = await this.#store.readSlot(slot);
    if (!bytes) return undefined;
    const result = readMcubootImage(bytes);
    return result.ok ? result.image : undefined;
  }

  async slotStates(): Promise<SlotState[]> {
    const { swapRequest, isRevertPending } = this.#store.boot;
    const states: SlotState[] = [];
    for (const slot of [0, 1]) {
      const image = await this.readSlot(slot);
      if (!image) continue;
      const isRunning = slot === 0;
      states.push({
        slot,
        image,
        isActive: isRunning,
        isPending: !isRunning && swapRequest !== 'none',
        isPermanent: !isRunning && swapRequest === 'permanent',
        isConfirmed: isRunning ? !isRevertPending : isRevertPending,
      });
    }
    return states;
  }

  /** Image state write: `{hash, confirm}` or `{confirm: true}` alone (protocols.md §1). */
  async writeState(hash: Uint8Array | undefined, isConfirm: boolean): Promise<StateWriteOutcome> {
    const boot = this.#store.boot;
    if (hash === undefined) {
      if (!isConfirm) return { ok: false, imageRc: ImageRc.hashNotFound };
      // Confirm the running image: a pending revert is cancelled.
      if (boot.isRevertPending) {
        boot.isRevertPending = false;
        await this.#store.saveBoot();
      }
      return { ok: true };
    }
    const slot = (await this.slotStates()).find((state) =>
      Buffer.from(state.image.hash).equals(Buffer.from(hash)),
    );
    if (!slot) return { ok: false, imageRc: ImageRc.hashNotFound };
    if (slot.slot === 0) {
      if (!isConfirm) return { ok: false, imageRc: ImageRc.testToActiveDenied };
      return this.writeState(undefined, true);
    }
    if (boot.isRevertPending) return { ok: false, imageRc: ImageRc.imageAlreadyPending };
    // img_mgmt refuses up front what the bootloader would refuse at reset (Zephyr's translation: BADSTATE).
    if (this.#isNoDowngrade && securityCounterOf(slot.image) < (await this.#runningCounterFloor()))
      return { ok: false, imageRc: ImageRc.currentVersionIsNewer };
    const wanted = isConfirm ? 'permanent' : 'test';
    if (boot.swapRequest !== 'none' && boot.swapRequest !== wanted)
      return { ok: false, imageRc: ImageRc.imageAlreadyPending };
    boot.swapRequest = wanted;
    await this.#store.saveBoot();
    return { ok: true };
  }

  /** True while the secondary slot may not be overwritten (it is pending, or holds the image to revert to). */
  get isSecondaryInUse(): boolean {
    return this.#store.boot.swapRequest !== 'none' || this.#store.boot.isRevertPending;
  }

  /** The lowest security counter an image may carry to boot: the hardware counter or the running image's. */
  async #runningCounterFloor(): Promise<number> {
    const running = await this.readSlot(0);
    return Math.max(this.#store.boot.securityCounter, running ? securityCounterOf(running) : 0);
  }

  /**
   * MCUboot validates the secondary before swapping: hash always, signature when keys are configured,
   * and with downgrade prevention a security counter no lower than the running one.
   */
  async #isBootable(slot: number): Promise<boolean> {
    const bytes = await this.#store.readSlot(slot);
    const read = bytes && readMcubootImage(bytes);
    if (!bytes || !read?.ok) return false;
    if (this.#isNoDowngrade && securityCounterOf(read.image) < (await this.#runningCounterFloor()))
      return false;
    if (this.#trustedKeys.length === 0) return true;
    const hashedRegion = bytes.subarray(
      0,
      read.image.headerBytes + read.image.bodyBytes + read.image.protectedTlvBytes,
    );
    return isSignedByTrustedKey(read.image, hashedRegion, this.#trustedKeys);
  }

  /**
   * Runs at every reset: swap for test/permanent, or revert an unconfirmed test image. Then, as MCUboot's
   * `boot_update_hw_rollback_protection` does, a confirmed running image raises the hardware security
   * counter to its own (a test image does not, so reverting to the older image stays possible).
   */
  async boot(): Promise<BootOutcome> {
    const boot = this.#store.boot;
    let outcome: BootOutcome = 'unchanged';
    if (boot.swapRequest !== 'none') {
      const isValid = await this.#isBootable(1);
      if (!isValid) {
        await this.#store.eraseSlot(1);
        outcome = 'refused';
      }
      if (isValid) {
        await this.#store.swapSlots();
        boot.isRevertPending = boot.swapRequest === 'test';
        outcome = boot.swapRequest === 'test' ? 'swapped-for-test' : 'swapped-permanently';
      }
      boot.swapRequest = 'none';
    } else if (boot.isRevertPending) {
      await this.#store.swapSlots();
      boot.isRevertPending = false;
      outcome = 'reverted';
    }
    const running = await this.readSlot(0);
    if (running && !boot.isRevertPending)
      boot.securityCounter = Math.max(boot.securityCounter, securityCounterOf(running));
    boot.bootCount += 1;
    await this.#store.saveBoot();
    return outcome;
  }
}
