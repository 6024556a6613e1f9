import { z } from 'zod';

/**
 * A rule that picks packets on a link: at a rate (each packet independently, decided by the seed), at
 * given packet numbers (the Nth packet in that direction since the device started, from 1), or at given
 * SMP sequence numbers (the first packet carrying each one).
 */
const packetRuleSchema = z
  .object({
    rate: z.number().min(0).max(1).optional(),
    packets: z.array(z.number().int().positive()).optional(),
    seqs: z.array(z.number().int().min(0).max(255)).optional(),
    direction: z.enum(['to-device', 'from-device', 'both']).default('both'),
  })
  .strict()
  .refine((rule) => rule.rate !== undefined || rule.packets !== undefined || rule.seqs !== undefined, {
    message: 'give a rate, packets or seqs',
  });

const percentSchema = z.number().min(0).max(100);
/** Which transfer a progress fault watches: image upload (group 1) or file upload (group 8). */
const transferSchema = z.enum(['image', 'file']).default('image');

/**
 * Faults a scenario switches on for one device (quality.md, "Interrupt each flashing protocol"). Every
 * random choice derives from `seed`, so a scenario misbehaves the same way on every run.
 */
export const faultPlanSchema = z
  .object({
    seed: z.number().int().nonnegative().default(1),
    drop: packetRuleSchema.optional(),
    duplicate: packetRuleSchema.optional(),
    /** Serial: bits flipped in the console frame (its CRC catches it); UDP: a datagram whose SMP header no longer parses. */
    corrupt: packetRuleSchema.optional(),
    /** Serial only: Zephyr log lines printed between the device's frames. */
    consoleNoise: z
      .object({ rate: z.number().min(0).max(1) })
      .strict()
      .optional(),
    /** The link goes away at N% of a transfer and comes back after `downMs`; `cutsPower` also reboots the device. */
    unplug: z
      .object({
        atPercent: percentSchema,
        downMs: z.number().nonnegative().default(500),
        cutsPower: z.boolean().default(false),
        during: transferSchema,
      })
      .strict()
      .optional(),
    /** The device resets itself (watchdog, brown-out) at N% of a transfer, without answering that chunk. */
    resetMidTransfer: z.object({ atPercent: percentSchema, during: transferSchema }).strict().optional(),
    /** After this many requests the device takes packets in and never answers (for `resumeAfterMs`, or for good). */
    stopAnswering: z
      .object({
        afterRequests: z.number().int().nonnegative(),
        resumeAfterMs: z.number().positive().optional(),
      })
      .strict()
      .optional(),
    /** From N% of a transfer flash slows down: one stall of `stallMs`, and/or a lower programming rate. */
    slowFlash: z
      .object({
        atPercent: percentSchema.default(0),
        stallMs: z.number().nonnegative().default(0),
        writeBytesPerSecond: z.number().positive().optional(),
        during: transferSchema,
      })
      .strict()
      .optional(),
    /**
     * Firmware that "forgets" one item when it is wiped (zeroize, settings delete, storage erase): the
     * installed certificate, one setting (runtime and saved) or one file survives. Wipe verification
     * must catch it (main/core/retirement).
     */
    forgetOnWipe: z
      .object({
        certificate: z.boolean().optional(),
        setting: z.string().min(1).optional(),
        file: z.string().min(1).optional(),
      })
      .strict()
      .refine((rule) => rule.certificate === true || rule.setting !== undefined || rule.file !== undefined, {
        message: 'name the item to forget: certificate, setting or file',
      })
      .optional(),
  })
  .strict();

/** A fault plan with its defaults filled in. */
export type FaultPlan = z.output<typeof faultPlanSchema>;
/** A fault plan as a scenario file or a test writes it. */
export type FaultPlanInput = z.input<typeof faultPlanSchema>;
export type PacketRule = z.output<typeof packetRuleSchema>;
export type TransferKind = z.output<typeof transferSchema>;
