import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import type { SmpFlashStep } from '../../main/core/drivers/smp/smp-flasher';
import { FRESH_FLASH_MEMORY } from '../../main/core/drivers/smp/smp-flasher-plan';
import { isProcessAlive } from '../lab/process-liveness';
import { flashRig, runningHash, type FlashRun } from './flash-harness';
import { FlashRig } from './flash-lab-rig';
import { flashTarget } from './flash-test-images';

const STEPS: SmpFlashStep[] = [
  'upload',
  'verify-upload',
  'mark-test',
  'test-reset',
  'device-back',
  'health-check',
  'confirm',
];
const CASES = STEPS.flatMap((step) =>
  (['unplug', 'power-cut', 'reset', 'crash'] as const).map((kind) => [step, kind] as const),
);

/**
 * quality.md, "Interrupt each flashing protocol at every step": a cable pulled, the power cut, the device
 * reset (watchdog), or the station crashed at every checkpoint of the SMP flasher. Every run ends confirmed with the verified hash
 * running, or reverted while the device really runs its old image, or failed with a retryable error;
 * the retry that follows (with what the checkpoints recorded) ends confirmed.
 */
describe('SMP flasher interrupted at every step', () => {
  let rig: FlashRig | undefined;

  afterEach(async () => {
    const pids = rig?.socatPids ?? [];
    expect(rig?.device.faults ?? []).toEqual([]);
    await rig?.stop();
    rig = undefined;
    for (const pid of pids) expect(isProcessAlive(pid)).toBe(false);
  });

  it.each(CASES)('after %s: %s', async (step, kind) => {
    rig = await FlashRig.start({ transport: 'serial' });
    const device = rig;
    const factoryHash = await runningHash(device);
    const target = flashTarget('5.0.0', 24_000);
    const crash = new AbortController();
    const memory = { ...FRESH_FLASH_MEMORY };
    let isInterrupted = false;
    let first: FlashRun | AppError;
    try {
      first = await flashRig(device, target, {
        memory,
        signal: crash.signal,
        atCheckpoint: async (reached) => {
          if (reached !== step || isInterrupted) return;
          isInterrupted = true;
          if (kind === 'crash') crash.abort(new AppError('CANCELLED', 'station crashed'));
          else if (kind === 'reset') await resetNow(device);
          else await device.unplug(150, { cutsPower: kind === 'power-cut' });
        },
      });
    } catch (error: unknown) {
      if (!(error instanceof AppError)) throw error;
      first = error;
    }
    expect(isInterrupted).toBe(true);
    const running = await runningHash(device);
    if (first instanceof AppError) {
      // Only the crash stops a run; whatever it left, the record says "not done".
      expect(kind).toBe('crash');
      expect(first.code).toBe('CANCELLED');
    } else if (first.outcome.kind === 'confirmed') {
      expect(running).toBe(target.imageHash);
      expect(first.outcome.evidence.verifiedHash).toBe(target.imageHash);
    } else {
      // A power cut or reset while the test image ran unconfirmed: MCUboot swapped back, and the record says so.
      expect(first.outcome.reason).toBe('reset-before-confirm');
      expect(['power-cut', 'reset']).toContain(kind);
      expect(running).toBe(factoryHash);
    }
    if (first instanceof AppError || first.outcome.kind !== 'confirmed') {
      // After a crash the job resumes with what it checkpointed; after a revert a new job starts afresh.
      const retry = await flashRig(device, target, first instanceof AppError ? { memory } : {});
      expect(retry.outcome.kind).toBe('confirmed');
    }
    expect(await runningHash(device)).toBe(target.imageHash);
    expect(device.device.store.boot).toMatchObject({ isRevertPending: false, swapRequest: 'none' });
  });
});

/** The device resets on its own (a watchdog): the link stays, the device goes deaf and boots again. */
async function resetNow(rig: FlashRig): Promise<void> {
  const booted = new Promise<void>((resolve) => {
    const boot = rig.device.onBoot(() => {
      boot.dispose();
      resolve();
    });
  });
  rig.device.scheduleReset();
  await booted;
}
