import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../shared/errors';
import { downloadFile, hashFile, readFileLength } from './file-system-commands';
import { uploadFile } from './file-upload';
import type { SmpMap } from './smp-cbor';
import { SmpClient } from './smp-client';
import type { SmpPacket } from './smp-packet';
import { arbitrarySmpMap } from './smp-test-arbitraries';
import { SmpTestTransport, type FakeDeviceBehaviour } from './smp-test-transport';

const clientFor = (behaviour: FakeDeviceBehaviour) =>
  new SmpClient(new SmpTestTransport({ behaviour }), { timeoutMs: 30 });
const fileOf = (length: number): Uint8Array => new Uint8Array(length).map((_, index) => (index * 5) & 0xff);

/** Just enough of fs_mgmt (protocols.md §1, group 8) to drive the uploader; it can lose answers. */
class FakeFileTarget {
  file = new Uint8Array(0);
  requestIndex = 0;
  constructor(readonly isAnswerLost: (index: number) => boolean = () => false) {}

  handle(request: SmpPacket): SmpMap | 'silence' {
    const index = this.requestIndex++;
    const body = request.body as { off?: number; len?: number; data?: Uint8Array };
    let answer: SmpMap;
    if (request.commandId === 1)
      answer = this.file.length ? { len: this.file.length } : { err: { group: 8, rc: 3 } };
    else if (request.commandId === 2) {
      const span = this.file.subarray(body.off ?? 0, (body.off ?? 0) + (body.len ?? this.file.length));
      answer = {
        type: 'sha256',
        len: span.length,
        output: new Uint8Array(createHash('sha256').update(span).digest()),
      };
    } else {
      const off = body.off ?? 0;
      if (off !== 0 && off !== this.file.length) return { err: { group: 8, rc: 11 }, len: this.file.length };
      if (off === 0 && body.data?.length) this.file = new Uint8Array(0);
      this.file = Uint8Array.from([...this.file, ...(body.data ?? [])]);
      answer = { off: this.file.length };
    }
    return this.isAnswerLost(index) ? 'silence' : answer;
  }
}

describe('file-system group 8 client (protocols.md §1)', () => {
  it('uploads in order, and after lost answers resumes from what the device holds', async () => {
    const target = new FakeFileTarget((index) => index % 4 === 3);
    const client = clientFor((request) => target.handle(request));
    const bytes = fileOf(3000);
    await uploadFile(client, '/lfs1/f', bytes, { deviceBufSizeBytes: 256, maxRetries: 5 });
    expect(target.file).toEqual(bytes);
  });

  it('downloads until len, asking for each offset in turn', async () => {
    const file = fileOf(1000);
    const client = clientFor((request): SmpMap => {
      const off = (request.body as { off: number }).off;
      return off === 0
        ? { off, data: file.subarray(0, 300), len: 1000 }
        : { off, data: file.subarray(off, off + 300) };
    });
    await expect(downloadFile(client, '/lfs1/f')).resolves.toEqual(file);
  });

  it.each([
    ['no len at offset 0', { off: 0, data: Uint8Array.of(1) }, 'DEVICE_PROTOCOL'],
    ['another offset than asked', { off: 5, data: Uint8Array.of(1), len: 9 }, 'DEVICE_PROTOCOL'],
    ['no data before the end', { off: 0, data: new Uint8Array(0), len: 9 }, 'DEVICE_PROTOCOL'],
    ['more data than announced', { off: 0, data: new Uint8Array(10), len: 9 }, 'DEVICE_PROTOCOL'],
    ['a file far too large', { off: 0, data: Uint8Array.of(1), len: 2 ** 40 }, 'PAYLOAD_TOO_LARGE'],
  ])('refuses a download answer with %s', async (_name, answer, code) => {
    await expect(
      downloadFile(
        clientFor(() => answer),
        '/lfs1/f',
      ),
    ).rejects.toMatchObject({ code });
  });

  it('refuses a hash of the wrong kind for the type asked', async () => {
    await expect(
      hashFile(
        clientFor(() => ({ type: 'sha256', len: 1, output: 5 })),
        '/lfs1/f',
        'sha256',
      ),
    ).rejects.toMatchObject({ code: 'DEVICE_PROTOCOL' });
    await expect(
      hashFile(
        clientFor(() => ({ type: 'crc32', len: 1, output: new Uint8Array(4) })),
        '/lfs1/f',
        'crc32',
      ),
    ).rejects.toMatchObject({ code: 'DEVICE_PROTOCOL' });
  });

  it('turns any answer into a value or a typed error (property)', async () => {
    const commands = [
      (client: SmpClient) => readFileLength(client, '/lfs1/f'),
      (client: SmpClient) => hashFile(client, '/lfs1/f', 'sha256'),
      (client: SmpClient) => hashFile(client, '/lfs1/f', 'crc32'),
      (client: SmpClient) => downloadFile(client, '/lfs1/f', { maxSilentRetries: 0 }),
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...commands), arbitrarySmpMap, async (command, answer) => {
        const client = clientFor(() => answer);
        try {
          await command(client);
        } catch (error: unknown) {
          expect(error).toBeInstanceOf(AppError);
          expect(['DEVICE_PROTOCOL', 'DEVICE_REJECTED', 'PAYLOAD_TOO_LARGE']).toContain(
            (error as AppError).code,
          );
        }
        client.dispose();
      }),
      { numRuns: 300 },
    );
  });
});
