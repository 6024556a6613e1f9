import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../shared/errors';
import {
  decodeUf2Block,
  decodeUf2File,
  encodeUf2Block,
  familyIdOf,
  Uf2Flag,
  UF2_BLOCK_BYTES,
  type Uf2Block,
} from './uf2-block';

const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const blockArbitrary: fc.Arbitrary<Uf2Block> = fc
  .record({
    flags: u32,
    targetAddress: u32,
    blockCount: fc.integer({ min: 1, max: 0xffff_ffff }),
    familyIdOrFileSize: u32,
    payload: fc.uint8Array({ maxLength: 476 }),
    position: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
  })
  .map(({ position, ...block }) => ({ ...block, blockNumber: Math.floor(position * block.blockCount) }));

function expectTypedRefusal(action: () => unknown): void {
  try {
    action();
  } catch (error: unknown) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('FIRMWARE_FILE_INVALID');
  }
}

describe('UF2 block (protocols.md §4)', () => {
  it('lays out magics, flags, address, size, numbers and family id as little-endian words', () => {
    const bytes = encodeUf2Block({
      flags: Uf2Flag.FAMILY_ID_PRESENT,
      targetAddress: 0x1000_0100,
      blockNumber: 1,
      blockCount: 3,
      familyIdOrFileSize: 0xe48bff56,
      payload: Uint8Array.of(0xaa, 0xbb),
    });
    const view = new DataView(bytes.buffer);
    expect([0, 4, 8, 12, 16, 20, 24, 28, 508].map((offset) => view.getUint32(offset, true))).toEqual([
      0x0a324655, 0x9e5d5157, 0x2000, 0x1000_0100, 2, 1, 3, 0xe48bff56, 0x0ab16f30,
    ]);
    expect([...bytes.subarray(32, 35)]).toEqual([0xaa, 0xbb, 0]);
    const block = decodeUf2Block(bytes);
    expect(familyIdOf(block)).toBe(0xe48bff56);
    expect(familyIdOf({ ...block, flags: 0 })).toBeUndefined();
  });

  it('round-trips any valid block', () => {
    fc.assert(
      fc.property(blockArbitrary, (block) => {
        expect(decodeUf2Block(encodeUf2Block(block))).toEqual(block);
      }),
    );
  });

  it('answers arbitrary bytes with a block or FIRMWARE_FILE_INVALID, never a crash', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) =>
        expectTypedRefusal(() => decodeUf2Block(bytes)),
      ),
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 512, maxLength: 512 }), (bytes) =>
        expectTypedRefusal(() => decodeUf2Block(bytes)),
      ),
    );
  });

  it('answers valid blocks with arbitrary header words with a block or a typed refusal', () => {
    fc.assert(
      fc.property(blockArbitrary, fc.integer({ min: 0, max: 7 }), u32, (block, wordIndex, value) => {
        const bytes = encodeUf2Block(block);
        new DataView(bytes.buffer).setUint32(wordIndex * 4, value, true);
        expectTypedRefusal(() => decodeUf2Block(bytes));
      }),
    );
  });

  it.each([
    ['a wrong start magic', 0, 0x0a324656, /start magic/],
    ['a wrong end magic', 508, 0, /end magic/],
    ['a payload over 476 bytes', 16, 477, /payload size 477/],
    ['a block number past the count', 20, 9, /block number 9/],
  ])('refuses %s, naming it', (_name, offset, value, message) => {
    const bytes = encodeUf2Block({
      flags: 0,
      targetAddress: 0,
      blockNumber: 0,
      blockCount: 2,
      familyIdOrFileSize: 0,
      payload: new Uint8Array(256),
    });
    new DataView(bytes.buffer).setUint32(offset, value, true);
    expect(() => decodeUf2Block(bytes, 4)).toThrow(message);
    expect(() => decodeUf2Block(bytes, 4)).toThrow(/UF2 block 4/);
  });

  it('decodes a file of whole blocks and refuses a torn one', () => {
    const block = encodeUf2Block({
      flags: 0,
      targetAddress: 0,
      blockNumber: 0,
      blockCount: 1,
      familyIdOrFileSize: 0,
      payload: new Uint8Array(4),
    });
    expect(decodeUf2File(new Uint8Array([...block, ...block]))).toHaveLength(2);
    expect(() => decodeUf2File(block.subarray(0, 300))).toThrow(/not a positive multiple of 512/);
    expect(() => decodeUf2File(new Uint8Array(0))).toThrow(AppError);
    expect(UF2_BLOCK_BYTES).toBe(512);
  });
});
