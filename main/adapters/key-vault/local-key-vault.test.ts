import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test-support/temp-dir';
import { defaultKeyFilePath, openLocalKeyVault } from './local-key-vault-setup';

const secret = new TextEncoder().encode('-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMG\n-----END PRIVATE KEY-----\n');

describe('the local key vault (plain Node)', () => {
  let temp: { path: string; remove: () => void };
  let dataDir: string;
  beforeEach(() => {
    temp = makeTempDir('fieldline-local-vault-');
    dataDir = join(temp.path, 'data');
  });
  afterEach(() => temp.remove());

  it('seals with a passphrase: the blob holds no plain text, opens again, and a wrong passphrase is refused', async () => {
    const vault = openLocalKeyVault({ dataDir, env: { FIELDLINE_KEY_PASSPHRASE: 'correct horse battery staple' } });
    const sealed = await vault.seal(secret);
    expect(Buffer.from(sealed).subarray(0, 6).toString()).toBe('FLLV1\n');
    expect(Buffer.from(sealed).includes(Buffer.from('PRIVATE KEY'))).toBe(false);
    expect(Buffer.from(await vault.open(sealed)).equals(Buffer.from(secret))).toBe(true);
    // Each seal has its own salt and nonce.
    expect(Buffer.from(await vault.seal(secret)).equals(Buffer.from(sealed))).toBe(false);

    const wrong = openLocalKeyVault({ dataDir, env: { FIELDLINE_KEY_PASSPHRASE: 'incorrect horse battery' } });
    await expect(wrong.open(sealed)).rejects.toMatchObject({ code: 'KEY_VAULT_UNAVAILABLE', message: expect.stringMatching(/wrong passphrase/) as unknown });
  });

  it('refuses an altered blob and one sealed by the other kind of key', async () => {
    const env = { FIELDLINE_KEY_PASSPHRASE: 'correct horse battery staple' };
    const sealed = Buffer.from(await openLocalKeyVault({ dataDir, env }).seal(secret));
    const flipped = Buffer.from(sealed);
    flipped[flipped.length - 1]! ^= 1;
    await expect(openLocalKeyVault({ dataDir, env }).open(flipped)).rejects.toMatchObject({ code: 'KEY_VAULT_UNAVAILABLE' });
    const withFile = openLocalKeyVault({ dataDir, env: { XDG_CONFIG_HOME: join(temp.path, 'config') } });
    await expect(withFile.open(sealed)).rejects.toThrow(/sealed with a passphrase/);
    await expect(withFile.open(Buffer.from('not sealed'))).rejects.toThrow(/not a secret sealed by the local key vault/);
  });

  it('refuses a passphrase shorter than 12 characters when asked to seal', async () => {
    const vault = openLocalKeyVault({ dataDir, env: { FIELDLINE_KEY_PASSPHRASE: 'short' } });
    await expect(vault.seal(secret)).rejects.toThrow(/shorter than 12 characters/);
  });

  it('creates the default key file once, owner-only, outside the data folder, and reuses it', async () => {
    const env = { XDG_CONFIG_HOME: join(temp.path, 'config') };
    const sealed = await openLocalKeyVault({ dataDir, env }).seal(secret);
    const keyFile = defaultKeyFilePath(env);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyFile).length).toBe(32);
    expect(Buffer.from(await openLocalKeyVault({ dataDir, env }).open(sealed)).equals(Buffer.from(secret))).toBe(true);
  });

  it('refuses a key file inside the data folder, readable by others, too short, or missing', async () => {
    const inside = join(dataDir, 'vault.key');
    await expect(
      openLocalKeyVault({ dataDir, env: { XDG_CONFIG_HOME: dataDir } }).seal(secret),
    ).rejects.toThrow(/inside the data folder/);
    const open = join(temp.path, 'open.key');
    writeFileSync(open, Buffer.alloc(32, 7), { mode: 0o644 });
    chmodSync(open, 0o644);
    await expect(openLocalKeyVault({ dataDir, env: { FIELDLINE_KEY_FILE: open } }).seal(secret)).rejects.toThrow(/readable by others \(mode 644\)/);
    const short = join(temp.path, 'short.key');
    writeFileSync(short, Buffer.alloc(8, 7), { mode: 0o600 });
    await expect(openLocalKeyVault({ dataDir, env: { FIELDLINE_KEY_FILE: short } }).seal(secret)).rejects.toThrow(/holds 8 bytes/);
    await expect(
      openLocalKeyVault({ dataDir, env: { FIELDLINE_KEY_FILE: join(temp.path, 'absent.key') } }).seal(secret),
    ).rejects.toThrow(/does not exist/);
    expect(inside).toContain(dataDir);
  });
});
