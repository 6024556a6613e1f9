import {
  SmpFlasher,
  type SmpFlashOutcome,
  type SmpFlashStep,
  type SmpFlashTarget,
} from '../../main/core/drivers/smp/smp-flasher';
import { FRESH_FLASH_MEMORY, type SmpFlashMemory } from '../../main/core/drivers/smp/smp-flasher-plan';
import { SmpFlashSession } from '../../main/core/drivers/smp/smp-flasher-session';
import { OsCommand } from '../../main/core/drivers/smp/os-commands';
import { SmpGroup } from '../../main/core/drivers/smp/smp-header';
import type { FlashRig } from './flash-lab-rig';

export interface FlashRun {
  outcome: SmpFlashOutcome;
  checkpoints: SmpFlashStep[];
  memory: SmpFlashMemory;
}

export interface FlashRunOptions {
  /** What earlier runs checkpointed; updated in place as this run checkpoints (a crashed run leaves it behind). */
  memory?: SmpFlashMemory;
  /** Called at each checkpoint, after it is recorded: where tests pull cables and crash the station. */
  atCheckpoint?: (step: SmpFlashStep) => Promise<void> | void;
  signal?: AbortSignal;
  rebootSettleMs?: number;
}

/**
 * One flash of the rig's device, as a job would run it: connect by identity, run the flasher, and keep
 * its checkpoints and the memory a job would rebuild from them after a crash.
 */
export async function flashRig(
  rig: FlashRig,
  target: SmpFlashTarget,
  options: FlashRunOptions = {},
): Promise<FlashRun> {
  const checkpoints: SmpFlashStep[] = [];
  const memory: SmpFlashMemory = options.memory ?? { ...FRESH_FLASH_MEMORY };
  const session = new SmpFlashSession({
    ports: rig.ports,
    endpoint: rig.endpoint,
    expectedHardwareId: rig.hardwareId,
    reappearTimeoutMs: 10_000,
    requestTimeoutMs: 1_500,
  });
  try {
    await session.connect(options.signal);
    const flasher = new SmpFlasher(
      session,
      target,
      memory,
      {
        ...(options.signal ? { signal: options.signal } : {}),
        checkpoint: async (step, evidence) => {
          checkpoints.push(step);
          if (step === 'test-reset') memory.testResetSentAtMs = Number(evidence.sentAtMs);
          if (step === 'revert-reset' && typeof evidence.healthFailure === 'string')
            memory.healthFailure = evidence.healthFailure;
          await options.atCheckpoint?.(step);
        },
      },
      { rebootSettleMs: options.rebootSettleMs ?? 3_000 },
    );
    return { outcome: await flasher.run(), checkpoints, memory };
  } finally {
    await session.close();
  }
}

/**
 * Makes the device's firmware unhealthy whenever `target` is the running image: it still boots and
 * speaks SMP (identity, image state, reset), but echo comes back wrong, as an application that crashed
 * into a fault handler might. Replaces the echo handler of a device already running; a device started
 * from a scenario gets the same behaviour from `unhealthyFirmwareVersions` (devices/smp/os-group.ts).
 */
export function failEchoWhenRunning(rig: FlashRig, target: SmpFlashTarget): void {
  rig.device.dispatcher.on(SmpGroup.os, OsCommand.echo, 'write', async (body) => {
    const running = await rig.device.bootloader.readSlot(0);
    if (running && Buffer.from(running.hash).toString('hex') === target.imageHash)
      return { body: { r: 'hard fault at 0x0000beef' } };
    return { body: { r: typeof body.d === 'string' ? body.d : '' } };
  });
}

/** The image MCUboot runs now, as hex, read straight from the device's state folder. */
export async function runningHash(rig: FlashRig): Promise<string | null> {
  const running = await rig.device.bootloader.readSlot(0);
  return running ? Buffer.from(running.hash).toString('hex') : null;
}

export function countUploadRequests(rig: FlashRig): number {
  return rig.device.dispatcher.traffic.filter(
    (entry) => entry.group === SmpGroup.image && entry.commandId === 1,
  ).length;
}
