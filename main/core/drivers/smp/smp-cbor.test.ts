import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../shared/errors';
import { decodeSmpBody, encodeSmpBody } from './smp-cbor';
import { arbitrarySmpMap } from './smp-test-arbitraries';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const fromHex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));

describe('SMP CBOR bodies (protocols.md §1, "Body")', () => {
  it('encodes the golden echo body minimally', () => {
    expect(hex(encodeSmpBody({ d: 'hello' }))).toBe('a161646568656c6c6f');
  });

  it('encodes byte fields as major type 2 with no tag in front', () => {
    expect(hex(encodeSmpBody({ data: Uint8Array.from([1, 2]) }))).toBe('a1646461746142' + '0102');
  });

  it('uses a minimal map header (no map16 for small maps), even past 23 keys', () => {
    expect(hex(encodeSmpBody({})).slice(0, 2)).toBe('a0');
    const many = Object.fromEntries(Array.from({ length: 30 }, (_, index) => [`k${index}`, index]));
    expect(hex(encodeSmpBody(many)).slice(0, 4)).toBe('b81e');
  });

  it('encodes integers past 32 bits as CBOR integers, not floats', () => {
    expect(hex(encodeSmpBody({ off: 2 ** 32 }))).toBe('a1636f66661b0000000100000000');
    expect(decodeSmpBody(encodeSmpBody({ off: 2 ** 32 }))).toEqual({ off: 2 ** 32 });
  });

  it('keeps "__proto__" an ordinary key', () => {
    const decoded = decodeSmpBody(fromHex('a1695f5f70726f746f5f5fa0'));
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.keys(decoded)).toEqual(['__proto__']);
  });

  it.each([
    ['an empty body', ''],
    ['a non-map', '01'],
    ['an integer key', 'a10101'],
    ['a date tag', 'a16164c11a00000000'],
    ['undefined', 'a16164f7'],
    ['trailing bytes', 'a0a0'],
    ['a truncated map', 'a2616401'],
    ['a self-referencing structure', 'a16164d81c81d81d00'],
    ['deep nesting', 'a16164' + '81'.repeat(40) + '00'],
  ])('rejects %s with DEVICE_PROTOCOL', (_name, text) => {
    expect(() => decodeSmpBody(fromHex(text))).toThrow(expect.objectContaining({ code: 'DEVICE_PROTOCOL' }));
  });

  it('round-trips arbitrary bodies', () => {
    fc.assert(
      fc.property(arbitrarySmpMap, (body) => {
        expect(decodeSmpBody(encodeSmpBody(body))).toEqual(body);
      }),
    );
  });

  it('turns arbitrary bytes into a body or a DEVICE_PROTOCOL AppError, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decodeSmpBody(bytes);
        } catch (error: unknown) {
          expect(error).toBeInstanceOf(AppError);
          expect((error as AppError).code).toBe('DEVICE_PROTOCOL');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('survives arbitrary bytes behind a map header (CBOR-shaped garbage)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0xa0, max: 0xbf }), fc.uint8Array({ maxLength: 64 }), (first, rest) => {
        try {
          decodeSmpBody(Uint8Array.from([first, ...rest]));
        } catch (error: unknown) {
          expect((error as AppError).code).toBe('DEVICE_PROTOCOL');
        }
      }),
      { numRuns: 2000 },
    );
  });
});
