import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeUf2File, familyIdOf } from './uf2-block';
import { buildUf2File } from './uf2-file-builder';
import { readUf2Image } from './uf2-image-reader';

const RP2040 = 0xe48bff56;

describe('UF2 file builder (protocols.md §4)', () => {
  it('numbers 256-byte blocks at consecutive addresses, with the family id, padding the last block', () => {
    const binary = Uint8Array.from({ length: 600 }, (_, index) => index & 0xff);
    const blocks = decodeUf2File(buildUf2File(binary, { familyId: RP2040, baseAddress: 0x1000_0000 }));
    expect(
      blocks.map((block) => [block.blockNumber, block.blockCount, block.targetAddress, block.payload.length]),
    ).toEqual([
      [0, 3, 0x1000_0000, 256],
      [1, 3, 0x1000_0100, 256],
      [2, 3, 0x1000_0200, 256],
    ]);
    expect(blocks.every((block) => familyIdOf(block) === RP2040)).toBe(true);
    expect([...blocks[2]!.payload.subarray(86, 90)]).toEqual([86, 87, 0, 0]);
  });

  it('round-trips any binary through blocks back to the same image', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 3000 }),
        fc.integer({ min: 1, max: 476 }),
        fc.integer({ min: 0, max: 0xffff }),
        (binary, payloadSizeBytes, page) => {
          const baseAddress = page * 256;
          const blocks = decodeUf2File(
            buildUf2File(binary, { familyId: RP2040, baseAddress, payloadSizeBytes }),
          );
          expect(readUf2Image(blocks, { familyId: RP2040, baseAddress, lengthBytes: binary.length })).toEqual(
            binary,
          );
        },
      ),
    );
  });

  it('leaves blocks of other families and "not main flash" blocks out of the image', () => {
    const ours = decodeUf2File(
      buildUf2File(Uint8Array.of(1, 2, 3, 4), { familyId: RP2040, baseAddress: 0, payloadSizeBytes: 4 }),
    );
    const theirs = decodeUf2File(
      buildUf2File(Uint8Array.of(9, 9, 9, 9), { familyId: 0xada52840, baseAddress: 0, payloadSizeBytes: 4 }),
    );
    const skipped = { ...ours[0]!, flags: ours[0]!.flags | 0x1, payload: Uint8Array.of(7, 7, 7, 7) };
    expect([
      ...readUf2Image([...theirs, ...ours, skipped], { familyId: RP2040, baseAddress: 0, lengthBytes: 6 }),
    ]).toEqual([1, 2, 3, 4, 0xff, 0xff]);
  });

  it.each([
    ['an empty binary', new Uint8Array(0), {}],
    ['a payload size over 476', new Uint8Array(4), { payloadSizeBytes: 477 }],
    ['a binary past 4 GiB', new Uint8Array(512), { baseAddress: 0xffff_ff00 }],
    ['a family id over 32 bits', new Uint8Array(4), { familyId: 2 ** 32 }],
  ])('refuses %s with INVALID_INPUT', (_name, binary, options) => {
    expect(() => buildUf2File(binary, { familyId: RP2040, baseAddress: 0, ...options })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });
});
