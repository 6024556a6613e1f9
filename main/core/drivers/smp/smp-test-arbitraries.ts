import fc from 'fast-check';
import type { SmpMap, SmpValue } from './smp-cbor';
import type { SmpPacket } from './smp-packet';

/** fast-check generators for SMP bodies and packets, shared by the codec's property tests. */
const scalar: fc.Arbitrary<SmpValue> = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.maxSafeInteger(),
  fc
    .bigInt({ min: -(2n ** 64n), max: 2n ** 64n - 1n })
    .filter((value) => value < BigInt(Number.MIN_SAFE_INTEGER) || value > BigInt(Number.MAX_SAFE_INTEGER)),
  fc.double({ noNaN: true }).filter((value) => !Object.is(value, -0)),
  fc.boolean(),
  fc.constant(null),
  fc.uint8Array({ maxLength: 300 }),
);

const { value } = fc.letrec<{ value: SmpValue; map: SmpMap }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 4 }),
    tie('map'),
  ),
  map: fc.dictionary(fc.string({ maxLength: 12 }), tie('value'), { maxKeys: 6 }),
}));

export const arbitrarySmpMap: fc.Arbitrary<SmpMap> = fc.dictionary(fc.string({ maxLength: 12 }), value, {
  maxKeys: 8,
});

export const arbitrarySmpPacket: fc.Arbitrary<SmpPacket> = fc.record({
  op: fc.constantFrom(0, 1, 2, 3),
  version: fc.constantFrom(0, 1),
  flags: fc.integer({ min: 0, max: 255 }),
  group: fc.integer({ min: 0, max: 0xffff }),
  seq: fc.integer({ min: 0, max: 255 }),
  commandId: fc.integer({ min: 0, max: 255 }),
  body: arbitrarySmpMap,
});
