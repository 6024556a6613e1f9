import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { createSealedCaKey, openSealedCaSigningKey } from '../../core/identity/sealed-ca-signing-key';
import { makeTempDir } from '../../test-support/temp-dir';
import { SafeStorageKeyVault, type SafeStorageLike } from './safe-storage-key-vault';
import { UnavailableKeyVault } from './unavailable-key-vault';

/** Electron's safeStorage as far as the vault sees it: AES-GCM under a key held by "the OS". */
function fakeSafeStorage(
  options: { isAvailable?: boolean; backend?: string } = {},
): SafeStorageLike & { osKey: Buffer } {
  const osKey = randomBytes(32);
  return {
    osKey,
    isEncryptionAvailable: () => options.isAvailable ?? true,
    getSelectedStorageBackend: () => options.backend ?? 'gnome_libsecret',
    encryptString(plainText) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', osKey, iv);
      const body = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decryptString(encrypted) {
      const decipher = createDecipheriv('aes-256-gcm', osKey, encrypted.subarray(0, 12));
      decipher.setAuthTag(encrypted.subarray(12, 28));
      return Buffer.concat([decipher.update(encrypted.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

async function refusal(run: () => Promise<unknown>): Promise<AppError> {
  const error: unknown = await run().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe('KEY_VAULT_UNAVAILABLE');
  return error as AppError;
}

describe('SafeStorageKeyVault', () => {
  it('seals and opens with a keyring backend; the sealed bytes do not hold the secret', async () => {
    const vault = new SafeStorageKeyVault(fakeSafeStorage(), 'linux');
    const secret = randomBytes(48);
    const sealed = await vault.seal(secret);
    expect(Buffer.from(sealed).includes(secret.subarray(0, 16))).toBe(false);
    expect(Buffer.from(sealed).includes(Buffer.from(secret.toString('base64').slice(0, 16)))).toBe(false);
    expect(Buffer.from(await vault.open(sealed)).equals(secret)).toBe(true);
  });

  it("refuses Linux's basic_text fallback and says why", async () => {
    const vault = new SafeStorageKeyVault(fakeSafeStorage({ backend: 'basic_text' }), 'linux');
    expect(vault.refusalReason()).toMatch(/fixed password/);
    expect((await refusal(() => vault.seal(new Uint8Array([1, 2, 3])))).message).toMatch(
      /basic_text.*plain text/,
    );
  });

  it('refuses when the keystore is unavailable, or the backend is unknown', async () => {
    expect(
      (
        await refusal(() =>
          new SafeStorageKeyVault(fakeSafeStorage({ isAvailable: false }), 'darwin').seal(new Uint8Array(1)),
        )
      ).message,
    ).toMatch(/not available/);
    expect(
      (
        await refusal(() =>
          new SafeStorageKeyVault(fakeSafeStorage({ backend: 'unknown' }), 'linux').seal(new Uint8Array(1)),
        )
      ).message,
    ).toMatch(/"unknown"/);
  });

  it('never asks for the Linux backend on macOS and Windows (Electron has it on Linux only)', async () => {
    const storage = {
      ...fakeSafeStorage(),
      getSelectedStorageBackend: (): string => {
        throw new Error('getSelectedStorageBackend is Linux-only');
      },
    };
    const vault = new SafeStorageKeyVault(storage, 'win32');
    expect(vault.description).toBe('Windows DPAPI');
    expect(
      Buffer.from(await vault.open(await vault.seal(new Uint8Array([9])))).equals(Buffer.from([9])),
    ).toBe(true);
    const unavailable = new SafeStorageKeyVault({ ...storage, isEncryptionAvailable: () => false }, 'darwin');
    expect((await refusal(() => unavailable.seal(new Uint8Array(1)))).details).toMatchObject({
      backend: null,
      platform: 'darwin',
    });
  });

  it('refuses a blob sealed by another user or machine, and one that is not a vault blob', async () => {
    const sealed = await new SafeStorageKeyVault(fakeSafeStorage(), 'linux').seal(randomBytes(16));
    expect(
      (await refusal(() => new SafeStorageKeyVault(fakeSafeStorage(), 'linux').open(sealed))).message,
    ).toMatch(/another user or machine/);
    expect(
      (await refusal(() => new SafeStorageKeyVault(fakeSafeStorage(), 'linux').open(randomBytes(40))))
        .message,
    ).toMatch(/not a Fieldline key-vault blob/);
  });

  it('keeps an offline CA key sealed at rest: no private key in plain text in the data folder', async () => {
    const dir = makeTempDir('fieldline-vault-');
    try {
      const vault = new SafeStorageKeyVault(fakeSafeStorage(), 'linux');
      const { sealedKey, publicKeySpki } = await createSealedCaKey(vault);
      writeFileSync(join(dir.path, 'offline-ca.key.sealed'), sealedKey);
      const key = await openSealedCaSigningKey(vault, readFileSync(join(dir.path, 'offline-ca.key.sealed')));
      expect(Buffer.from(key.publicKeySpki).equals(Buffer.from(publicKeySpki))).toBe(true);
      expect(await key.sign(new Uint8Array([1, 2, 3]))).toHaveLength(64);
      for (const name of readdirSync(dir.path)) {
        const bytes = readFileSync(join(dir.path, name));
        expect(bytes.includes('PRIVATE KEY')).toBe(false);
        // A PKCS#8 P-256 key starts with this fixed header; it must not appear in the clear.
        expect(
          bytes.includes(Buffer.from('308187020100301306072a8648ce3d020106082a8648ce3d030107', 'hex')),
        ).toBe(false);
      }
    } finally {
      dir.remove();
    }
  });
});

describe('UnavailableKeyVault (plain Node)', () => {
  it('refuses to seal or open and says why, rather than storing a key in the clear', async () => {
    const vault = new UnavailableKeyVault();
    expect((await refusal(() => vault.seal())).message).toMatch(
      /plain Node.*no OS keystore.*does not store keys in plain text.*PKCS#11/,
    );
    await refusal(() => vault.open());
    await refusal(() => createSealedCaKey(vault));
  });
});
