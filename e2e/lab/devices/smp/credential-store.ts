import { createPrivateKey, type KeyObject } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const KEY_FILE = 'device-key.pem';
const CHAIN_FILE = 'certificate-chain.json';

/**
 * The device's secure storage for the identity group (protocols.md §7): the private key generated
 * inside the device and the certificate chain installed for it, in `<state>/credentials/`. The key is
 * PKCS#8 PEM readable only by the owner; nothing but this folder ever holds it. Zeroize overwrites the
 * key file before removing it, as a secure element clears its key slot.
 */
export class CredentialStore {
  readonly folder: string;

  constructor(stateDir: string) {
    this.folder = join(stateDir, 'credentials');
  }

  async readPrivateKey(): Promise<KeyObject | undefined> {
    const pem = await readIfPresent(join(this.folder, KEY_FILE));
    return pem === undefined ? undefined : createPrivateKey(pem.toString('utf8'));
  }

  /** Replaces the key; the certificate chain of the old key no longer applies and is removed. */
  async writePrivateKey(pkcs8Pem: string): Promise<void> {
    await mkdir(this.folder, { recursive: true, mode: 0o700 });
    const path = join(this.folder, KEY_FILE);
    await writeFile(`${path}.tmp`, pkcs8Pem, { mode: 0o600 });
    await rename(`${path}.tmp`, path);
    await rm(join(this.folder, CHAIN_FILE), { force: true });
  }

  /** The installed chain, leaf first, or undefined when none is installed. */
  async readChain(): Promise<Uint8Array[] | undefined> {
    const text = await readIfPresent(join(this.folder, CHAIN_FILE));
    if (text === undefined) return undefined;
    const entries = JSON.parse(text.toString('utf8')) as string[];
    return entries.map((entry) => new Uint8Array(Buffer.from(entry, 'base64')));
  }

  async writeChain(chain: readonly Uint8Array[]): Promise<void> {
    await mkdir(this.folder, { recursive: true, mode: 0o700 });
    const path = join(this.folder, CHAIN_FILE);
    const entries = chain.map((der) => Buffer.from(der).toString('base64'));
    await writeFile(`${path}.tmp`, `${JSON.stringify(entries)}\n`);
    await rename(`${path}.tmp`, path);
  }

  /** Overwrites the key with zeros, then removes key and chain. */
  async zeroize(): Promise<void> {
    const keyPath = join(this.folder, KEY_FILE);
    const size = await stat(keyPath).then(
      (info) => info.size,
      () => 0,
    );
    if (size > 0) {
      const handle = await open(keyPath, 'r+');
      try {
        await handle.write(new Uint8Array(size), 0, size, 0);
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    await rm(this.folder, { recursive: true, force: true });
  }
}

async function readIfPresent(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
