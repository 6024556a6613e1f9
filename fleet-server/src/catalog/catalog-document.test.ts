import { describe, expect, it } from 'vitest';
import { matchesIfNoneMatch } from './catalog-document';

describe('matchesIfNoneMatch (RFC 9110 §13.1.2)', () => {
  const etag = '"abc"';
  it.each([
    ['"abc"', true],
    ['W/"abc"', true],
    ['"x", "abc"', true],
    [' * ', true],
    ['"abcd"', false],
    ['abc', false],
    ['', false],
  ])('%j → %s', (header, expected) => {
    expect(matchesIfNoneMatch(header, etag)).toBe(expected);
  });
  it('is false without the header and reads repeated headers as one list', () => {
    expect(matchesIfNoneMatch(undefined, etag)).toBe(false);
    expect(matchesIfNoneMatch(['"x"', '"abc"'], etag)).toBe(true);
  });
});
