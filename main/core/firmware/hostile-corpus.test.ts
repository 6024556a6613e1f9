import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../shared/errors';
import { refusalOf } from './test-support/expect-refusal';
import { buildHostileCorpus } from './test-support/hostile-corpus/hostile-corpus';
import { createTestKeyring } from './test-support/test-keyring';

const corpus = buildHostileCorpus(createTestKeyring());

describe('hostile bundle and image corpus (quality.md: ≥ 300 cases, each refused with a named code)', () => {
  it('holds at least 300 cases with unique names', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(300);
    expect(new Set(corpus.map((entry) => entry.name)).size).toBe(corpus.length);
  });

  it('exercises every bundle, image and archive refusal code there is', () => {
    const firmwareCodes = ERROR_CODES.filter((code) => /^(BUNDLE|IMAGE)_/.test(code));
    expect(new Set(corpus.map((entry) => entry.expectedCode))).toEqual(new Set(firmwareCodes));
  });

  it.each(corpus.map((entry) => [`${entry.category}: ${entry.name}`, entry] as const))('refuses %s', (_label, entry) => {
    const { check } = entry.prepare();
    const error = refusalOf(check);
    expect({ code: error.code, message: error.message }).toMatchObject({ code: entry.expectedCode, message: expect.stringMatching(/^[^:]+: \S/) as unknown });
  });
});
