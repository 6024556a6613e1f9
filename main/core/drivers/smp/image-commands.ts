import { z } from 'zod';
import type { SmpMap } from './smp-cbor';
import type { SmpClient } from './smp-client';
import { SmpGroup } from './smp-header';
import { parseSmpResponse, smpBytes, smpUint } from './smp-response';

/** Image group command ids (protocols.md §1, "Image (group 1)"). */
export const ImageCommand = { state: 0, upload: 1, erase: 5, slotInfo: 6 } as const;

/** One slot as image state read reports it; flags that the device leaves out are false. */
export interface ImageSlotState {
  image: number;
  slot: number;
  version: string;
  /** The image's SHA-256 TLV value (protocols.md §2), not the hash of the file. */
  hash: Uint8Array;
  isBootable: boolean;
  isPending: boolean;
  isConfirmed: boolean;
  isActive: boolean;
  isPermanent: boolean;
}

const imageStateSchema = z.object({
  images: z.array(
    z.object({
      image: smpUint.optional(),
      slot: smpUint,
      version: z.string(),
      hash: smpBytes.optional(),
      bootable: z.boolean().optional(),
      pending: z.boolean().optional(),
      confirmed: z.boolean().optional(),
      active: z.boolean().optional(),
      permanent: z.boolean().optional(),
    }),
  ),
});

/** Image state read. */
export async function readImageState(client: SmpClient, signal?: AbortSignal): Promise<ImageSlotState[]> {
  const body = await client.request(
    { op: 'read', group: SmpGroup.image, commandId: ImageCommand.state },
    signal,
  );
  return toSlotStates(parseSmpResponse(imageStateSchema, body, 'image state read'));
}

/** Marks the image with this hash for test: it runs once after the next reset and reverts unless confirmed. */
export async function markImageForTest(
  client: SmpClient,
  hash: Uint8Array,
  signal?: AbortSignal,
): Promise<ImageSlotState[]> {
  const body = await client.request(
    { op: 'write', group: SmpGroup.image, commandId: ImageCommand.state, body: { hash, confirm: false } },
    signal,
  );
  return toSlotStates(parseSmpResponse(imageStateSchema, body, 'image state write'));
}

/** Confirms the running image (no hash), making it permanent. */
export async function confirmRunningImage(
  client: SmpClient,
  signal?: AbortSignal,
): Promise<ImageSlotState[]> {
  const body = await client.request(
    { op: 'write', group: SmpGroup.image, commandId: ImageCommand.state, body: { confirm: true } },
    signal,
  );
  return toSlotStates(parseSmpResponse(imageStateSchema, body, 'image state write'));
}

/** Erases a slot (the secondary by default on the device). */
export async function eraseImageSlot(client: SmpClient, slot?: number, signal?: AbortSignal): Promise<void> {
  const body: SmpMap = slot === undefined ? {} : { slot };
  await client.request(
    { op: 'write', group: SmpGroup.image, commandId: ImageCommand.erase, body, timeoutMs: 30_000 },
    signal,
  );
}

function toSlotStates(parsed: z.infer<typeof imageStateSchema>): ImageSlotState[] {
  return parsed.images.map((entry) => ({
    image: entry.image ?? 0,
    slot: entry.slot,
    version: entry.version,
    hash: entry.hash ?? new Uint8Array(0),
    isBootable: entry.bootable ?? false,
    isPending: entry.pending ?? false,
    isConfirmed: entry.confirmed ?? false,
    isActive: entry.active ?? false,
    isPermanent: entry.permanent ?? false,
  }));
}
