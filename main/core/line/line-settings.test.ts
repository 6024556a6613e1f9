import { statSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test-support/temp-dir';
import { DEFAULT_LINE_SETTINGS, JsonFileLineSettingsStore } from './line-settings';
import { hashPin, pinMatches } from './operator-pin';

const dir = makeTempDir('fieldline-line-settings-');
afterEach(() => undefined);

describe('line settings and PIN hashes', () => {
  it('starts from defaults, writes the file for this user only, and reads it back', async () => {
    const store = new JsonFileLineSettingsStore(`${dir.path}/line.json`);
    expect(store.read()).toEqual(DEFAULT_LINE_SETTINGS);
    const pin = await hashPin('2468', { N: 16, r: 1, p: 1 });
    store.write({ ...DEFAULT_LINE_SETTINGS, operators: [{ id: 'op-1', name: 'Olga', role: 'operator', pin }] });
    expect(statSync(`${dir.path}/line.json`).mode & 0o777).toBe(0o600);
    expect(store.read().operators[0]?.name).toBe('Olga');
  });

  it('refuses a malformed file by name instead of starting with no operators', () => {
    writeFileSync(`${dir.path}/bad.json`, '{"version":1,"operators":"everyone"}');
    expect(() => new JsonFileLineSettingsStore(`${dir.path}/bad.json`).read()).toThrow(/bad.json are malformed/);
    dir.remove();
  });

  it('salts each hash and matches only the right PIN', async () => {
    const a = await hashPin('1234');
    const b = await hashPin('1234');
    expect(a.salt).not.toBe(b.salt);
    expect(a.hash).not.toBe(b.hash);
    expect(a).toMatchObject({ algorithm: 'scrypt', N: 16_384, r: 8, p: 1 });
    expect(await pinMatches('1234', a)).toBe(true);
    expect(await pinMatches('1235', a)).toBe(false);
  });
});
