import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { uploadImage } from './image-upload';
import type { SmpMap } from './smp-cbor';
import { SmpClient } from './smp-client';
import { encodeSmpPacket, type SmpPacket } from './smp-packet';
import { SmpTestTransport } from './smp-test-transport';

/** Just enough of the device side of image upload (protocols.md §1) to exercise the client. */
class FakeUploadTarget {
  received = new Uint8Array(0);
  offset = 0;
  sha: Uint8Array | undefined;
  requestCount = 0;
  largestPacketBytes = 0;

  constructor(readonly options: { drop?: (index: number) => boolean; restartAt?: number } = {}) {}

  handle(request: SmpPacket): SmpMap | 'silence' {
    const index = this.requestCount++;
    this.largestPacketBytes = Math.max(this.largestPacketBytes, encodeSmpPacket(request).length);
    if (this.options.drop?.(index)) return 'silence';
    const { off, len, sha, data } = request.body as {
      off: number;
      len?: number;
      sha?: Uint8Array;
      data: Uint8Array;
    };
    if (off === 0) {
      const isResume =
        sha !== undefined &&
        this.sha !== undefined &&
        Buffer.from(sha).equals(Buffer.from(this.sha)) &&
        this.offset > 0;
      if (isResume) return { off: this.offset };
      this.received = new Uint8Array(len ?? 0);
      this.sha = sha;
      this.offset = 0;
    }
    if (off !== this.offset) return { off: this.offset };
    this.received.set(data, off);
    this.offset += data.length;
    if (this.options.restartAt !== undefined && this.offset >= this.options.restartAt) {
      this.options.restartAt = undefined;
      this.offset = 0;
      this.sha = undefined;
    }
    return { off: this.offset };
  }
}

const imageOf = (length: number): Uint8Array =>
  new Uint8Array(length).map((_, index) => (index * 7 + 3) & 0xff);

async function runUpload(target: FakeUploadTarget, image: Uint8Array, bufSize: number, window: number) {
  const transport = new SmpTestTransport({ behaviour: (request) => target.handle(request) });
  const client = new SmpClient(transport, { maxInFlight: window, timeoutMs: 15 });
  return uploadImage(client, image, {
    deviceBufSizeBytes: bufSize,
    maxInFlight: window,
    maxSilentRetries: 20,
  });
}

describe('uploadImage (protocols.md §1, image upload)', () => {
  it('uploads a whole image in packets that never exceed buf_size', async () => {
    const target = new FakeUploadTarget();
    const image = imageOf(5000);
    await expect(runUpload(target, image, 256, 3)).resolves.toEqual({
      totalBytes: 5000,
      resumedFromBytes: 0,
    });
    expect(target.received).toEqual(image);
    expect(target.largestPacketBytes).toBeLessThanOrEqual(256);
    expect(target.largestPacketBytes).toBeGreaterThan(240);
  });

  it('resumes an unfinished upload of the same file at the device offset', async () => {
    const image = imageOf(3000);
    const target = new FakeUploadTarget();
    target.received = new Uint8Array(3000);
    target.received.set(image.subarray(0, 1200));
    target.offset = 1200;
    target.sha = new Uint8Array(createHash('sha256').update(image).digest());
    await expect(runUpload(target, image, 512, 2)).resolves.toEqual({
      totalBytes: 3000,
      resumedFromBytes: 1200,
    });
    expect(target.received).toEqual(image);
  });

  it('starts over when the device answers off 0 midway', async () => {
    const target = new FakeUploadTarget({ restartAt: 1500 });
    const image = imageOf(4000);
    await runUpload(target, image, 300, 3);
    expect(target.received).toEqual(image);
  });

  it('completes with the exact bytes whatever chunks the link drops', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 32, max: 3000 }),
        fc.integer({ min: 128, max: 700 }),
        fc.integer({ min: 1, max: 4 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { maxLength: 4 }),
        async (length, bufSize, window, dropped) => {
          const target = new FakeUploadTarget({ drop: (index) => dropped.includes(index) });
          const image = imageOf(length);
          await runUpload(target, image, bufSize, window);
          expect(target.received).toEqual(image);
          expect(target.largestPacketBytes).toBeLessThanOrEqual(bufSize);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('gives up with DEVICE_NOT_RESPONDING when the device stays silent', async () => {
    const target = new FakeUploadTarget({ drop: () => true });
    const transport = new SmpTestTransport({ behaviour: (request) => target.handle(request) });
    const client = new SmpClient(transport, { timeoutMs: 5 });
    await expect(
      uploadImage(client, imageOf(100), { deviceBufSizeBytes: 256, maxSilentRetries: 2 }),
    ).rejects.toMatchObject({
      code: 'DEVICE_NOT_RESPONDING',
    });
    expect(target.requestCount).toBe(3);
  });

  it('gives up with DEVICE_PROTOCOL when the device never moves its offset', async () => {
    const transport = new SmpTestTransport({
      behaviour: (request) => ({ off: request.body.off === 0 ? 64 : 64 }),
    });
    const client = new SmpClient(transport);
    await expect(uploadImage(client, imageOf(1000), { deviceBufSizeBytes: 128 })).rejects.toMatchObject({
      code: 'DEVICE_PROTOCOL',
    });
  });

  it('refuses an image shorter than the 32-byte minimum first chunk', async () => {
    const client = new SmpClient(new SmpTestTransport());
    await expect(uploadImage(client, imageOf(10), { deviceBufSizeBytes: 256 })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });
});
