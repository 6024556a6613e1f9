import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, scrypt } from 'node:crypto';
import { AppError } from '../../../shared/errors';
import type { KeyVault } from '../../core/ports/key-vault';

/** Sealed blobs of this vault start with this (the desktop vault's start with `FLKV1\n`). */
const MAGIC = Buffer.from('FLLV1\n');
const KIND_PASSPHRASE = 1;
const KIND_KEY_FILE = 2;
const SALT_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = MAGIC.length + 1 + SALT_BYTES;
/**
 * scrypt cost: N = 2^15, r = 8 (32 MiB, about 0.1 s here) — RFC 7914's interactive setting, since a
 * person's passphrase is what an attacker who copied the data folder would have to guess.
 */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;

/** What the vault's key comes from: a person's passphrase, or a random key file outside the data folder. */
export type LocalVaultSecret =
  | { kind: 'passphrase'; passphrase: string }
  | { kind: 'key-file'; path: string; key: Buffer };

/**
 * A `KeyVault` for plain Node (CLI, headless station), where no OS keystore is reachable: AES-256-GCM
 * under a key derived from a passphrase (scrypt, fresh salt per blob) or from a random key file
 * (HKDF-SHA256; the file is already high-entropy). The secret is resolved lazily, so a station starts
 * even when it is missing and only sealing or opening says what is wrong. The header (kind and salt)
 * is authenticated, so a blob cannot be re-labelled to the other kind.
 */
export class LocalKeyVault implements KeyVault {
  readonly description: string;
  readonly #resolveSecret: () => LocalVaultSecret;

  constructor(description: string, resolveSecret: () => LocalVaultSecret) {
    this.description = description;
    this.#resolveSecret = resolveSecret;
  }

  async seal(secret: Uint8Array): Promise<Uint8Array> {
    const source = this.#resolveSecret();
    const kind = source.kind === 'passphrase' ? KIND_PASSPHRASE : KIND_KEY_FILE;
    const header = Buffer.concat([MAGIC, Buffer.of(kind), randomBytes(SALT_BYTES)]);
    const key = await deriveKey(source, header.subarray(MAGIC.length + 1));
    try {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(header);
      const body = Buffer.concat([cipher.update(secret), cipher.final()]);
      return new Uint8Array(Buffer.concat([header, iv, cipher.getAuthTag(), body]));
    } finally {
      key.fill(0);
    }
  }

  async open(sealed: Uint8Array): Promise<Uint8Array> {
    const blob = Buffer.from(sealed);
    if (blob.length < HEADER_BYTES + IV_BYTES + TAG_BYTES || !blob.subarray(0, MAGIC.length).equals(MAGIC)) {
      throw new AppError('KEY_VAULT_UNAVAILABLE', 'this is not a secret sealed by the local key vault (FLLV1)');
    }
    const kind = blob[MAGIC.length];
    const source = this.#resolveSecret();
    const expected = source.kind === 'passphrase' ? KIND_PASSPHRASE : KIND_KEY_FILE;
    if (kind !== expected) {
      const sealedWith = kind === KIND_PASSPHRASE ? 'a passphrase (FIELDLINE_KEY_PASSPHRASE)' : 'a key file';
      throw new AppError('KEY_VAULT_UNAVAILABLE', `this secret was sealed with ${sealedWith}; configure that instead of ${this.description}`);
    }
    const header = blob.subarray(0, HEADER_BYTES);
    const iv = blob.subarray(HEADER_BYTES, HEADER_BYTES + IV_BYTES);
    const tag = blob.subarray(HEADER_BYTES + IV_BYTES, HEADER_BYTES + IV_BYTES + TAG_BYTES);
    const key = await deriveKey(source, header.subarray(MAGIC.length + 1));
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAAD(header);
      decipher.setAuthTag(tag);
      return new Uint8Array(Buffer.concat([decipher.update(blob.subarray(HEADER_BYTES + IV_BYTES + TAG_BYTES)), decipher.final()]));
    } catch (error: unknown) {
      throw new AppError(
        'KEY_VAULT_UNAVAILABLE',
        `cannot open the sealed secret with ${this.description}: wrong passphrase or key file, or the blob was altered`,
        { cause: error },
      );
    } finally {
      key.fill(0);
    }
  }
}

function deriveKey(source: LocalVaultSecret, salt: Buffer): Promise<Buffer> {
  if (source.kind === 'key-file') {
    return Promise.resolve(Buffer.from(hkdfSync('sha256', source.key, salt, 'fieldline local key vault v1', 32)));
  }
  return new Promise((resolve, reject) => {
    scrypt(source.passphrase.normalize('NFC'), salt, 32, SCRYPT, (error, key) => (error ? reject(error) : resolve(key)));
  });
}
