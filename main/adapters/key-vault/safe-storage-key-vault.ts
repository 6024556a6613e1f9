import { AppError } from '../../../shared/errors';
import type { KeyVault } from '../../core/ports/key-vault';

/** The part of Electron's `safeStorage` the vault uses (main/app passes the real one; tests a fake). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only (called only there): which secret store Chromium's OSCrypt picked; `basic_text` is its plain-text fallback. */
  getSelectedStorageBackend?(): string;
}

/** Sealed blobs start with this, so a file that is not one is named as such. */
const MAGIC = Buffer.from('FLKV1\n');
/** Linux backends that keep the secret in the user's keyring (libsecret, KWallet). */
const LINUX_KEYRING_BACKENDS = new Set(['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6']);

/**
 * A `KeyVault` over Electron's `safeStorage`: Keychain on macOS, DPAPI on Windows, libsecret or
 * KWallet on Linux. It refuses, with KEY_VAULT_UNAVAILABLE and the reason, wherever the secret would
 * not really be protected: encryption unavailable, or, on Linux, Chromium's `basic_text` fallback,
 * which encrypts with a fixed password compiled into every Chromium and so is plain text to anyone
 * who copies the file. `setUsePlainTextEncryption` is never called.
 */
export class SafeStorageKeyVault implements KeyVault {
  readonly description: string;
  readonly #safeStorage: SafeStorageLike;
  readonly #platform: NodeJS.Platform;

  constructor(safeStorage: SafeStorageLike, platform: NodeJS.Platform = process.platform) {
    this.#safeStorage = safeStorage;
    this.#platform = platform;
    this.description = describeBackend(
      platform,
      platform === 'linux' ? safeStorage.getSelectedStorageBackend?.() : undefined,
    );
  }

  /** Why sealing would not protect a secret here, or null when it would. */
  refusalReason(): string | null {
    if (!this.#safeStorage.isEncryptionAvailable()) {
      return this.#platform === 'linux'
        ? 'the OS keystore is not available: no secret service (GNOME Keyring, KWallet) answers, or the app is not ready yet'
        : 'the OS keystore is not available (safeStorage reports no encryption; call it after the app is ready)';
    }
    if (this.#platform !== 'linux') return null;
    const backend = this.#safeStorage.getSelectedStorageBackend?.() ?? 'unknown';
    if (backend === 'basic_text') {
      return "no secret service was found, and Electron's fallback ('basic_text') encrypts with a fixed password that every Chromium contains: that is plain text for anyone who copies the file. Start GNOME Keyring or KWallet, or use a PKCS#11 token";
    }
    if (!LINUX_KEYRING_BACKENDS.has(backend)) {
      return `the secret store backend is "${backend}", not a keyring Fieldline trusts (libsecret or KWallet)`;
    }
    return null;
  }

  /** safeStorage is synchronous; a refusal still arrives as a rejected promise, as the port promises. */
  seal(secret: Uint8Array): Promise<Uint8Array> {
    return new Promise((resolve) => resolve(this.#seal(secret)));
  }

  open(sealed: Uint8Array): Promise<Uint8Array> {
    return new Promise((resolve) => resolve(this.#open(sealed)));
  }

  #seal(secret: Uint8Array): Uint8Array {
    this.#requireUsable('seal');
    const encrypted = this.#safeStorage.encryptString(Buffer.from(secret).toString('base64'));
    return new Uint8Array(Buffer.concat([MAGIC, encrypted]));
  }

  #open(sealed: Uint8Array): Uint8Array {
    this.#requireUsable('open');
    const bytes = Buffer.from(sealed);
    if (!bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
      throw new AppError('KEY_VAULT_UNAVAILABLE', 'the sealed secret is not a Fieldline key-vault blob');
    }
    let text: string;
    try {
      text = this.#safeStorage.decryptString(bytes.subarray(MAGIC.length));
    } catch (error: unknown) {
      throw new AppError(
        'KEY_VAULT_UNAVAILABLE',
        `${this.description} cannot open the sealed secret: it was sealed by another user or machine, or the keystore changed`,
        {
          cause: error,
        },
      );
    }
    return new Uint8Array(Buffer.from(text, 'base64'));
  }

  #requireUsable(operation: 'seal' | 'open'): void {
    const reason = this.refusalReason();
    if (reason !== null) {
      throw new AppError(
        'KEY_VAULT_UNAVAILABLE',
        `cannot ${operation} a secret with ${this.description}: ${reason}`,
        {
          details: {
            backend:
              this.#platform === 'linux' ? (this.#safeStorage.getSelectedStorageBackend?.() ?? null) : null,
            platform: this.#platform,
          },
        },
      );
    }
  }
}

function describeBackend(platform: NodeJS.Platform, backend: string | undefined): string {
  if (platform === 'darwin') return 'the macOS Keychain';
  if (platform === 'win32') return 'Windows DPAPI';
  return `the OS keystore (${backend ?? 'unknown'})`;
}
