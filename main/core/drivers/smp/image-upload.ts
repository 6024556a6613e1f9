import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AppError, toAppError } from '../../../../shared/errors';
import { abortReason } from './abort-reason';
import { ImageCommand } from './image-commands';
import type { SmpMap } from './smp-cbor';
import type { SmpClient } from './smp-client';
import { SmpGroup } from './smp-header';
import { parseSmpResponse, smpUint } from './smp-response';
import { largestDataThatFits } from './upload-chunk-size';

export interface ImageUploadOptions {
  /** The device's `buf_size` from mcumgr params; packets never exceed it. */
  deviceBufSizeBytes: number;
  /** Upload requests on the wire at once; use `buf_count − 1` (protocols.md §1, "Ceiling"). */
  maxInFlight?: number;
  /** Image number for multi-image devices; omitted for image 0. */
  image?: number;
  /** Ask the device to refuse images not newer than the running one. */
  isUpgradeOnly?: boolean;
  /** Consecutive unanswered chunks tolerated before giving up. */
  maxSilentRetries?: number;
  onProgress?: (progress: { confirmedBytes: number; totalBytes: number }) => void;
  signal?: AbortSignal;
}

export interface ImageUploadResult {
  totalBytes: number;
  /** Where the device let us resume (0 for a fresh upload). */
  resumedFromBytes: number;
}

interface ChunkOutcome {
  id: number;
  generation: number;
  startOffset: number;
  endOffset: number;
  deviceOffset?: number;
  error?: AppError;
}

const uploadAnswerSchema = z.object({ off: smpUint, match: z.boolean().optional() });
const MIN_FIRST_CHUNK_BYTES = 32;

/**
 * Image upload (protocols.md §1, image group id 1). The first request (`off: 0`, with `len` and the
 * file's SHA-256) goes alone, because its answer may resume an unfinished upload at another offset.
 * Then up to `maxInFlight` chunks are pipelined. Every answer carries the device's offset: when it is
 * not the end of the chunk answered, the device dropped a chunk, so sending restarts from that offset
 * (older answers are ignored by generation). `off: 0` means start over. Done when `off == len`.
 */
export async function uploadImage(
  client: SmpClient,
  image: Uint8Array,
  options: ImageUploadOptions,
): Promise<ImageUploadResult> {
  if (image.length < MIN_FIRST_CHUNK_BYTES)
    throw new AppError('INVALID_INPUT', `An image must be at least ${MIN_FIRST_CHUNK_BYTES} bytes`);
  const sha = new Uint8Array(createHash('sha256').update(image).digest());
  const packetLimit = Math.min(options.deviceBufSizeBytes, client.maxPacketBytes);
  const window = Math.max(1, options.maxInFlight ?? 1);
  const maxSilentRetries = options.maxSilentRetries ?? 3;
  const inFlight = new Map<number, Promise<ChunkOutcome>>();
  let generation = 0;
  let nextOffset = 0;
  let deviceOffset = 0;
  let resumedFromBytes: number | undefined;
  let silentInARow = 0;
  let resyncsInARow = 0;
  let nextId = 0;

  const send = (offset: number): number => {
    const body: SmpMap = offset === 0 ? { len: image.length, off: 0, sha } : { off: offset };
    if (options.image !== undefined && options.image !== 0) body.image = options.image;
    if (offset === 0 && options.isUpgradeOnly) body.upgrade = true;
    const dataBytes = Math.min(largestDataThatFits(body, packetLimit), image.length - offset);
    if (offset === 0 && dataBytes < MIN_FIRST_CHUNK_BYTES) {
      throw new AppError('INVALID_INPUT', `buf_size ${packetLimit} is too small for the first upload chunk`);
    }
    const id = nextId++;
    const chunk = { id, generation, startOffset: offset, endOffset: offset + dataBytes };
    inFlight.set(
      id,
      sendChunk(client, { ...body, data: image.subarray(offset, chunk.endOffset) }, options.signal).then(
        (answer) => ({ ...chunk, ...answer }),
      ),
    );
    return chunk.endOffset;
  };

  try {
    while (deviceOffset < image.length || resumedFromBytes === undefined) {
      if (options.signal?.aborted) throw abortReason(options.signal);
      if (nextOffset === 0 && inFlight.size === 0) nextOffset = send(0);
      // Pipelining starts once the device has accepted the first chunk (deviceOffset > 0).
      while (deviceOffset > 0 && inFlight.size < window && nextOffset < image.length)
        nextOffset = send(nextOffset);
      if (inFlight.size === 0)
        throw new AppError(
          'INTERNAL',
          'image upload has nothing in flight before the device has the whole image',
        );
      const outcome = await Promise.race(inFlight.values());
      inFlight.delete(outcome.id);
      if (outcome.error) {
        const isSilence = outcome.error.code === 'DEVICE_NOT_RESPONDING';
        if (!isSilence) throw outcome.error;
        if (outcome.generation !== generation) continue;
        silentInARow += 1;
        if (silentInARow > maxSilentRetries) throw outcome.error;
        generation += 1;
        nextOffset = deviceOffset;
        continue;
      }
      if (outcome.generation !== generation) continue;
      silentInARow = 0;
      const offset = outcome.deviceOffset ?? 0;
      if (offset > image.length)
        throw new AppError(
          'DEVICE_PROTOCOL',
          `Device reports upload offset ${offset} beyond the image length ${image.length}`,
        );
      if (outcome.startOffset === 0) resumedFromBytes = offset === outcome.endOffset ? 0 : offset;
      if (offset !== outcome.endOffset) {
        // The device dropped or skipped ahead: resend from where it is (0 = start over).
        resyncsInARow = offset > deviceOffset ? 0 : resyncsInARow + 1;
        if (resyncsInARow > maxSilentRetries) {
          throw new AppError(
            'DEVICE_PROTOCOL',
            `Image upload makes no progress: the device keeps answering offset ${offset}`,
            { details: { offset } },
          );
        }
        generation += 1;
        nextOffset = offset;
      } else {
        resyncsInARow = 0;
      }
      deviceOffset = offset;
      options.onProgress?.({ confirmedBytes: deviceOffset, totalBytes: image.length });
    }
  } finally {
    // No request outlives the upload: wait for stragglers (their answers are ignored).
    await Promise.all(inFlight.values());
  }
  return { totalBytes: image.length, resumedFromBytes: resumedFromBytes ?? 0 };
}

/** Sends one upload request; never rejects, so a straggler cannot become an unhandled rejection. */
async function sendChunk(
  client: SmpClient,
  body: SmpMap,
  signal: AbortSignal | undefined,
): Promise<{ deviceOffset?: number; error?: AppError }> {
  try {
    const answer = await client.request(
      { op: 'write', group: SmpGroup.image, commandId: ImageCommand.upload, body },
      signal,
    );
    return { deviceOffset: parseSmpResponse(uploadAnswerSchema, answer, 'image upload').off };
  } catch (error: unknown) {
    return { error: toAppError(error) };
  }
}
