import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FIRMWARE_LIMITS } from '../firmware-limits';
import { codeOf, refusalOf } from '../test-support/expect-refusal';
import { decodeCanonicalBase64 } from './canonical-base64';
import { encodeDsseEnvelope, MANIFEST_PAYLOAD_TYPE, parseDsseEnvelope, preAuthenticationEncoding } from './dsse-envelope';
import { findDuplicateJsonKey } from './json-duplicate-keys';
import { jsonNestingDepth } from './json-nesting';

const text = (value: string): Uint8Array => new Uint8Array(Buffer.from(value, 'utf8'));
const envelopeJson = (fields: Record<string, unknown>): Uint8Array =>
  text(JSON.stringify({ payloadType: MANIFEST_PAYLOAD_TYPE, payload: 'e30=', signatures: [], ...fields }));

describe('DSSE envelope', () => {
  it('encodes PAE as "DSSEv1 <len> <type> <len> <payload>" with byte lengths (DSSE protocol.md test vector)', () => {
    expect(Buffer.from(preAuthenticationEncoding('http://example.com/HelloWorld', text('hello world'))).toString()).toBe('DSSEv1 29 http://example.com/HelloWorld 11 hello world');
    expect(Buffer.from(preAuthenticationEncoding('application/ä', text('é'))).toString()).toBe('DSSEv1 14 application/ä 2 é');
  });

  it('round-trips an envelope and keeps the exact payload bytes', () => {
    const envelope = { payloadType: MANIFEST_PAYLOAD_TYPE, payload: text('{"a":1}'), signatures: [{ keyId: 'ab'.repeat(32), signature: new Uint8Array([1, 2, 3]) }] };
    expect(parseDsseEnvelope(encodeDsseEnvelope(envelope))).toEqual(envelope);
  });

  it('refuses other payload types, unknown fields, non-canonical base64 and bad key ids', () => {
    expect(codeOf(() => parseDsseEnvelope(envelopeJson({ payloadType: 'application/vnd.in-toto+json' })))).toBe('BUNDLE_ENVELOPE_INVALID');
    expect(codeOf(() => parseDsseEnvelope(envelopeJson({ extra: true })))).toBe('BUNDLE_ENVELOPE_INVALID');
    expect(codeOf(() => parseDsseEnvelope(envelopeJson({ payload: 'e30' })))).toBe('BUNDLE_ENVELOPE_INVALID');
    expect(codeOf(() => parseDsseEnvelope(envelopeJson({ payload: 'e31=' })))).toBe('BUNDLE_ENVELOPE_INVALID');
    expect(codeOf(() => parseDsseEnvelope(envelopeJson({ signatures: [{ keyid: 'AB'.repeat(32), sig: 'AA==' }] })))).toBe('BUNDLE_ENVELOPE_INVALID');
    expect(codeOf(() => parseDsseEnvelope(text('\uFEFF{}')))).toBe('BUNDLE_ENVELOPE_INVALID');
    expect(codeOf(() => parseDsseEnvelope(new Uint8Array([0x7b, 0xff, 0x7d])))).toBe('BUNDLE_ENVELOPE_INVALID');
  });

  it('refuses oversized and deeply nested envelopes by their shape, before JSON.parse', () => {
    expect(codeOf(() => parseDsseEnvelope(new Uint8Array(FIRMWARE_LIMITS.envelopeBytes + 1).fill(0x20)))).toBe('BUNDLE_MANIFEST_TOO_LARGE');
    const bomb = text('['.repeat(100_000) + ']'.repeat(100_000));
    expect(refusalOf(() => parseDsseEnvelope(bomb)).message).toMatch(/^envelope nesting/);
    const big = Buffer.alloc(FIRMWARE_LIMITS.manifestBytes + 3, 0x20).toString('base64');
    expect(codeOf(() => parseDsseEnvelope(envelopeJson({ payload: big })))).toBe('BUNDLE_MANIFEST_TOO_LARGE');
  });

  it('counts nesting outside strings only', () => {
    expect(jsonNestingDepth('{"a":[1,{"b":"[[[[{{{{"}]}', 99)).toBe(3);
    expect(jsonNestingDepth('"\\"[[["', 99)).toBe(0);
  });

  it('property: canonical base64 accepts exactly what Node would re-encode identically', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const encoded = Buffer.from(bytes).toString('base64');
        expect(Buffer.from(decodeCanonicalBase64(encoded) ?? []).equals(Buffer.from(bytes))).toBe(true);
      }),
    );
    fc.assert(fc.property(fc.string({ maxLength: 32 }), (candidate) => {
      const decoded = decodeCanonicalBase64(candidate);
      if (decoded !== undefined) expect(Buffer.from(decoded).toString('base64')).toBe(candidate);
    }));
  });

  it('property: arbitrary bytes and arbitrary JSON give a typed refusal, never a crash', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 2048 }), fc.json({ maxDepth: 20 }).map(text)), (bytes) => {
        try {
          parseDsseEnvelope(bytes);
        } catch (error: unknown) {
          expect(refusalOf(() => { throw error; }).code).toMatch(/^BUNDLE_(ENVELOPE_INVALID|MANIFEST_TOO_LARGE)$/);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('duplicate JSON keys', () => {
  it('finds a key repeated in one object, at any depth, and ignores repeats across objects and inside strings', () => {
    expect(findDuplicateJsonKey('{"a":1,"b":{"c":1,"c":2}}')).toBe('c');
    expect(findDuplicateJsonKey('{"a":1,"\\u0061":2}')).toBe('a');
    expect(findDuplicateJsonKey('[{"a":1},{"a":2}]')).toBeUndefined();
    expect(findDuplicateJsonKey('{"a":"a","b":["a","a"]}')).toBeUndefined();
    expect(codeOf(() => parseDsseEnvelope(text(`{"payloadType":"${MANIFEST_PAYLOAD_TYPE}","payload":"e30=","payload":"e30=","signatures":[]}`)))).toBe('BUNDLE_ENVELOPE_INVALID');
  });

  it('property: agrees with a parse-and-count oracle on arbitrary JSON objects', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ maxLength: 3 }), fc.jsonValue({ maxDepth: 2 })), { maxLength: 6 }), (pairs) => {
        const textWithDuplicates = `{${pairs.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`).join(',')}}`;
        const keys = pairs.map(([key]) => key);
        const hasDuplicate = new Set(keys).size !== keys.length;
        expect(findDuplicateJsonKey(textWithDuplicates) !== undefined).toBe(hasDuplicate);
      }),
      { numRuns: 500 },
    );
  });
});
