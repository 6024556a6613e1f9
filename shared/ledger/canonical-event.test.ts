import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../contract/ledger';
import { canonicalEventText, canonicalJson, GENESIS_HASH } from './canonical-event';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: true, y: null }], c: 'x' } })).toBe('{"a":{"c":"x","d":[1,{"y":null,"z":true}]},"b":1}');
  });

  it('is the same for any key order and parses back to an equal value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const json = value as JsonValue;
        const text = canonicalJson(json);
        const reparsed = JSON.parse(text) as JsonValue;
        expect(canonicalJson(reparsed)).toBe(text);
        expect(reparsed).toEqual(JSON.parse(JSON.stringify(json)));
      }),
    );
  });
});

describe('canonicalEventText', () => {
  const event = {
    id: '01a21e31-c984-7f2f-86b3-f98991518f5a',
    stationId: 'station-a',
    stationSeq: 1,
    hlc: '001795802909060:00000',
    actor: 'alice',
    deviceId: 'dev-1',
    type: 'note.added',
    payload: { b: 2, a: 1 },
    prevHash: GENESIS_HASH,
  };

  it('covers every field, so changing any of them changes the text', () => {
    const base = canonicalEventText(event);
    const variants = [
      { ...event, id: 'other' },
      { ...event, stationId: 'station-b' },
      { ...event, stationSeq: 2 },
      { ...event, hlc: '001795802909060:00001' },
      { ...event, actor: 'bob' },
      { ...event, deviceId: null },
      { ...event, type: 'note.removed' },
      { ...event, payload: { a: 1, b: 3 } },
      { ...event, prevHash: '1'.repeat(64) },
    ];
    for (const variant of variants) expect(canonicalEventText(variant)).not.toBe(base);
  });

  it('does not depend on payload key order', () => {
    expect(canonicalEventText({ ...event, payload: { a: 1, b: 2 } })).toBe(canonicalEventText(event));
  });
});
