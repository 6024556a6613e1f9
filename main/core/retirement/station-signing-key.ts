import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors';
import type { KeyVault } from '../ports/key-vault';
import { keyIdOf, type CertificateSigner } from './sanitization-certificate';

/** In the folder given: the private key sealed by the vault, and the public key for anyone to have. */
export const SEALED_KEY_FILE = 'station-signing-key.sealed';
export const PUBLIC_KEY_FILE = 'station-signing-key.pub.pem';

/** The station's public signing key, as exported for verifiers (PEM, SPKI DER and its id). */
export interface StationPublicKeyExport {
  pem: string;
  spki: Uint8Array;
  /** SHA-256 of the SPKI DER, hex; certificates name their key by it. */
  keyId: string;
}

/**
 * The station key that signs certificates of sanitization: Ed25519, generated here on first use. Its
 * private key exists in plain form only in this process's memory; on disk it is sealed by the
 * `KeyVault` (OS keystore in the app, passphrase or key file headless), never in the clear. The public
 * key sits beside it in PEM, so it can be exported without opening the vault.
 */
export class StationSigningKey {
  readonly #folder: string;
  readonly #vault: KeyVault;

  constructor(folder: string, vault: KeyVault) {
    this.#folder = folder;
    this.#vault = vault;
  }

  /** The public key, or null before the first certificate made the station generate its key. */
  async publicKey(): Promise<StationPublicKeyExport | null> {
    const pem = await readIfPresent(join(this.#folder, PUBLIC_KEY_FILE));
    return pem === undefined ? null : exportOf(createPublicKey(pem.toString('utf8')));
  }

  /** Opens the key (creating it on first use) for signing. */
  async signer(): Promise<CertificateSigner & { keyId: string }> {
    const sealed = await readIfPresent(join(this.#folder, SEALED_KEY_FILE));
    const privateKey = sealed === undefined ? await this.#create() : await this.#open(sealed);
    const exported = exportOf(createPublicKey(privateKey));
    const recorded = await this.publicKey();
    // The published key must be the one that signs; a swapped public file would mislead every verifier.
    if (recorded !== null && recorded.keyId !== exported.keyId)
      throw new AppError(
        'KEY_VAULT_UNAVAILABLE',
        `${PUBLIC_KEY_FILE} does not belong to the sealed station signing key; restore the pair together`,
      );
    if (recorded === null) await writeAtomically(join(this.#folder, PUBLIC_KEY_FILE), exported.pem);
    return {
      publicKeySpki: exported.spki,
      keyId: exported.keyId,
      sign: (data) => Promise.resolve(new Uint8Array(sign(null, data, privateKey))),
    };
  }

  async #create(): Promise<KeyObject> {
    const { privateKey } = generateKeyPairSync('ed25519');
    const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
    try {
      const sealed = await this.#vault.seal(new Uint8Array(pkcs8));
      await mkdir(this.#folder, { recursive: true, mode: 0o700 });
      await writeAtomically(join(this.#folder, SEALED_KEY_FILE), sealed);
      await writeAtomically(join(this.#folder, PUBLIC_KEY_FILE), exportOf(createPublicKey(privateKey)).pem);
    } finally {
      pkcs8.fill(0);
    }
    return privateKey;
  }

  async #open(sealed: Uint8Array): Promise<KeyObject> {
    const pkcs8 = await this.#vault.open(sealed);
    try {
      const key = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
      if (key.asymmetricKeyType !== 'ed25519') throw new Error(`a ${key.asymmetricKeyType ?? 'unknown'} key`);
      return key;
    } catch (error: unknown) {
      throw new AppError('KEY_VAULT_UNAVAILABLE', 'the sealed station signing key is not an Ed25519 PKCS#8 key', {
        cause: error,
      });
    } finally {
      pkcs8.fill(0);
    }
  }
}

function exportOf(publicKey: KeyObject): StationPublicKeyExport {
  const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
  return { pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), spki, keyId: keyIdOf(spki) };
}

async function writeAtomically(path: string, content: Uint8Array | string): Promise<void> {
  await writeFile(`${path}.tmp`, content, { mode: 0o600 });
  await rename(`${path}.tmp`, path);
}

async function readIfPresent(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
