import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatHlc, hlcToIso, MAX_HLC_COUNTER, parseHlc } from './hlc';

describe('HLC text', () => {
  const timestamp = fc.record({ wallMs: fc.integer({ min: 0, max: 10 ** 15 - 1 }), counter: fc.integer({ min: 0, max: MAX_HLC_COUNTER }) });

  it('round-trips', () => {
    fc.assert(
      fc.property(timestamp, (value) => {
        expect(parseHlc(formatHlc(value))).toEqual(value);
      }),
    );
  });

  it('sorts as text in the same order as by (wall, counter)', () => {
    fc.assert(
      fc.property(timestamp, timestamp, (a, b) => {
        const byValue = Math.sign(a.wallMs - b.wallMs || a.counter - b.counter);
        const byText = Math.sign(formatHlc(a).localeCompare(formatHlc(b), 'en'));
        expect(byText).toBe(byValue);
      }),
    );
  });

  it('refuses malformed text', () => {
    expect(parseHlc('12:3')).toBeNull();
    expect(parseHlc('')).toBeNull();
    expect(hlcToIso('not-a-timestamp')).toBeNull();
    expect(hlcToIso(formatHlc({ wallMs: 0, counter: 0 }))).toBe('1970-01-01T00:00:00.000Z');
  });
});
