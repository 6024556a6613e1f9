import { describe, expect, it } from 'vitest';
import type { ImageSlotState } from './image-commands';
import { decideSmpFlashAction, FRESH_FLASH_MEMORY, isAwaitingReboot } from './smp-flasher-plan';

const OLD = 'aa'.repeat(32);
const NEW = 'bb'.repeat(32);
const OTHER = 'cc'.repeat(32);

function slot(slotNumber: number, hash: string, flags: Partial<ImageSlotState> = {}): ImageSlotState {
  return {
    image: 0,
    slot: slotNumber,
    version: `${slotNumber}.0.0`,
    hash: new Uint8Array(Buffer.from(hash, 'hex')),
    isBootable: true,
    isPending: false,
    isConfirmed: false,
    isActive: slotNumber === 0,
    isPermanent: false,
    ...flags,
  };
}

const afterTestReset = { testResetSentAtMs: 1, healthFailure: null };
const afterHealthFailure = { testResetSentAtMs: 1, healthFailure: 'echo came back wrong' };

describe('decideSmpFlashAction', () => {
  it.each([
    [
      'uploads when the target is nowhere',
      [slot(0, OLD, { isConfirmed: true })],
      FRESH_FLASH_MEMORY,
      { kind: 'upload' },
    ],
    [
      'uploads over an idle image in slot 1',
      [slot(0, OLD, { isConfirmed: true }), slot(1, OTHER)],
      FRESH_FLASH_MEMORY,
      { kind: 'upload' },
    ],
    [
      'marks an uploaded target for test',
      [slot(0, OLD, { isConfirmed: true }), slot(1, NEW)],
      FRESH_FLASH_MEMORY,
      { kind: 'mark-test' },
    ],
    [
      'resets into a pending target',
      [slot(0, OLD, { isConfirmed: true }), slot(1, NEW, { isPending: true })],
      FRESH_FLASH_MEMORY,
      { kind: 'test-reset' },
    ],
    [
      'health-checks a running test image',
      [slot(0, NEW), slot(1, OLD, { isConfirmed: true })],
      afterTestReset,
      { kind: 'health-check' },
    ],
    [
      'health-checks a test image found running after a crash',
      [slot(0, NEW), slot(1, OLD, { isConfirmed: true })],
      FRESH_FLASH_MEMORY,
      { kind: 'health-check' },
    ],
    [
      'is done when the target runs confirmed',
      [slot(0, NEW, { isConfirmed: true })],
      FRESH_FLASH_MEMORY,
      { kind: 'confirmed' },
    ],
    [
      'resets an unhealthy image so MCUboot reverts it',
      [slot(0, NEW), slot(1, OLD, { isConfirmed: true })],
      afterHealthFailure,
      { kind: 'revert-reset' },
    ],
    [
      'sees the revert after a failed health check',
      [slot(0, OLD, { isConfirmed: true }), slot(1, NEW)],
      afterHealthFailure,
      { kind: 'reverted', reason: 'health-check-failed' },
    ],
    [
      'sees a refusal when slot 1 was erased at reset',
      [slot(0, OLD, { isConfirmed: true })],
      afterTestReset,
      { kind: 'reverted', reason: 'bootloader-refused' },
    ],
    [
      'sees a revert caused by a reset before the confirm',
      [slot(0, OLD, { isConfirmed: true }), slot(1, NEW)],
      afterTestReset,
      { kind: 'reverted', reason: 'reset-before-confirm' },
    ],
    [
      'resets again when the recorded reset never happened',
      [slot(0, OLD, { isConfirmed: true }), slot(1, NEW, { isPending: true })],
      afterTestReset,
      { kind: 'test-reset' },
    ],
    [
      'refuses when another image is pending in slot 1',
      [slot(0, OLD, { isConfirmed: true }), slot(1, OTHER, { isPending: true })],
      FRESH_FLASH_MEMORY,
      { kind: 'busy' },
    ],
    [
      'refuses while another test image runs unconfirmed',
      [slot(0, OTHER), slot(1, OLD, { isConfirmed: true })],
      FRESH_FLASH_MEMORY,
      { kind: 'busy' },
    ],
  ] as const)('%s', (_name, slots, memory, expected) => {
    expect(decideSmpFlashAction(slots, NEW, memory)).toMatchObject(expected);
  });

  it('tells whether a reset has visibly happened yet', () => {
    const pending = [slot(0, OLD, { isConfirmed: true }), slot(1, NEW, { isPending: true })];
    const swapped = [slot(0, NEW), slot(1, OLD, { isConfirmed: true })];
    expect(isAwaitingReboot(pending, NEW, 'test-reset')).toBe(true);
    expect(isAwaitingReboot(swapped, NEW, 'test-reset')).toBe(false);
    expect(isAwaitingReboot(swapped, NEW, 'revert-reset')).toBe(true);
    expect(isAwaitingReboot([slot(0, OLD, { isConfirmed: true }), slot(1, NEW)], NEW, 'revert-reset')).toBe(
      false,
    );
  });
});
