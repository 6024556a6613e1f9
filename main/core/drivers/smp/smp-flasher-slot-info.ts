import { z } from 'zod';
import { toAppError } from '../../../../shared/errors';
import { ImageCommand, type ImageSlotState } from './image-commands';
import type { SmpClient } from './smp-client';
import { SmpGroup } from './smp-header';
import { parseSmpResponse, smpUint } from './smp-response';

const slotInfoSchema = z.object({
  images: z.array(
    z.object({
      image: smpUint,
      slots: z.array(z.object({ slot: smpUint, size: smpUint })),
    }),
  ),
});

/**
 * Image slot info (protocols.md §1, image group id 6): the size of each slot of `image`, by slot number,
 * or null when the device does not implement the command (bundle checks then cannot compare sizes, and
 * the device's own INVALID_IMAGE_TOO_LARGE is the last word).
 */
export async function readImageSlotSizes(
  client: SmpClient,
  image = 0,
  signal?: AbortSignal,
): Promise<Record<number, number> | null> {
  let body;
  try {
    body = await client.request(
      { op: 'read', group: SmpGroup.image, commandId: ImageCommand.slotInfo },
      signal,
    );
  } catch (error: unknown) {
    if (toAppError(error).code === 'DEVICE_REJECTED') return null;
    throw error;
  }
  const parsed = parseSmpResponse(slotInfoSchema, body, 'image slot info');
  const entry = parsed.images.find((candidate) => candidate.image === image);
  if (!entry) return null;
  return Object.fromEntries(entry.slots.map((slot) => [slot.slot, slot.size]));
}

/** One slot as the ledger keeps it: hex hash, flags spelled out (evidence before and after a flash). */
export interface SlotEvidence {
  slot: number;
  version: string;
  hash: string;
  isActive: boolean;
  isConfirmed: boolean;
  isPending: boolean;
  isPermanent: boolean;
}

export function slotEvidence(slots: readonly ImageSlotState[]): SlotEvidence[] {
  return slots
    .filter((slot) => slot.image === 0)
    .map((slot) => ({
      slot: slot.slot,
      version: slot.version,
      hash: Buffer.from(slot.hash).toString('hex'),
      isActive: slot.isActive,
      isConfirmed: slot.isConfirmed,
      isPending: slot.isPending,
      isPermanent: slot.isPermanent,
    }));
}
