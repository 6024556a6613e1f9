import type { ImageSlotState } from './image-commands';

/**
 * What a flash remembers across links, reboots and station crashes (the job checkpoints it in the
 * ledger before acting): whether the test reset was sent, and whether the new image failed its health
 * check. With it, the device's own image state is enough to decide what comes next.
 */
export interface SmpFlashMemory {
  /** Wall-clock ms when the reset that boots the test image was sent (write-ahead: recorded before sending). */
  testResetSentAtMs: number | null;
  /** Why the new image was judged unhealthy; set before the reset that makes MCUboot revert. */
  healthFailure: string | null;
}

export const FRESH_FLASH_MEMORY: SmpFlashMemory = { testResetSentAtMs: null, healthFailure: null };

/** Why a flash ended reverted; the first two are the image's fault, the last one an interruption. */
export type RevertReason = 'health-check-failed' | 'bootloader-refused' | 'reset-before-confirm';

export type SmpFlashAction =
  | { kind: 'upload' }
  | { kind: 'mark-test' }
  | { kind: 'test-reset' }
  | { kind: 'health-check' }
  | { kind: 'revert-reset' }
  | { kind: 'confirmed' }
  | { kind: 'reverted'; reason: RevertReason }
  | { kind: 'busy'; why: string };

/**
 * The next step of an MCUboot test-and-confirm update (protocols.md §1 image state, §2; MCUboot
 * design.md), decided from the device's slots alone plus what the flash remembers. Each action moves the
 * device one state forward, so a flash interrupted anywhere picks up by reading the slots again:
 *
 * - target running and confirmed → done (also when it was already there: nothing is written);
 * - target running, not confirmed → health check (or, after a failed one, the reset that reverts it);
 * - after the test reset, target not running → reverted: MCUboot erased it (refused) or swapped back;
 * - target in slot 1 → mark it for test, or if it is marked, reset into it;
 * - slot 1 busy with another pending image, or an unconfirmed image running → refuse, nothing written;
 * - otherwise upload (a matching `sha` makes the device resume where it was).
 */
export function decideSmpFlashAction(
  slots: readonly ImageSlotState[],
  targetHashHex: string,
  memory: SmpFlashMemory,
): SmpFlashAction {
  const primary = slots.find((slot) => slot.image === 0 && slot.slot === 0);
  const secondary = slots.find((slot) => slot.image === 0 && slot.slot === 1);
  const isTarget = (slot: ImageSlotState | undefined): boolean =>
    slot !== undefined && Buffer.from(slot.hash).toString('hex') === targetHashHex;

  if (isTarget(primary)) {
    if (primary!.isConfirmed) return { kind: 'confirmed' };
    return memory.healthFailure === null ? { kind: 'health-check' } : { kind: 'revert-reset' };
  }
  const isTargetPending = isTarget(secondary) && secondary!.isPending;
  if (memory.testResetSentAtMs !== null || memory.healthFailure !== null) {
    // The reset that boots the test image was sent: unless it never happened (still pending), the
    // target not running means MCUboot did not keep it.
    if (isTargetPending && memory.healthFailure === null) return { kind: 'test-reset' };
    if (memory.healthFailure !== null) return { kind: 'reverted', reason: 'health-check-failed' };
    return { kind: 'reverted', reason: isTarget(secondary) ? 'reset-before-confirm' : 'bootloader-refused' };
  }
  if (isTarget(secondary)) return isTargetPending ? { kind: 'test-reset' } : { kind: 'mark-test' };
  if (secondary?.isPending)
    return { kind: 'busy', why: `slot 1 holds another image (${secondary.version}) marked for update` };
  if (primary !== undefined && !primary.isConfirmed)
    return { kind: 'busy', why: `the running image ${primary.version} is on test and not confirmed yet` };
  return { kind: 'upload' };
}

/** True while a reset just sent has visibly not happened yet (the state it should change is unchanged). */
export function isAwaitingReboot(
  slots: readonly ImageSlotState[],
  targetHashHex: string,
  action: 'test-reset' | 'revert-reset',
): boolean {
  const next = decideSmpFlashAction(
    slots,
    targetHashHex,
    action === 'test-reset'
      ? { testResetSentAtMs: null, healthFailure: null }
      : { testResetSentAtMs: 1, healthFailure: 'pending' },
  );
  return next.kind === action;
}
