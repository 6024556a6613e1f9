/**
 * Seals secrets with the operating system's keystore, the shape of Electron's `safeStorage`
 * (Keychain on macOS, DPAPI on Windows, libsecret or KWallet on Linux). Used where a laptop has no
 * PKCS#11 token for the offline CA key. An implementation must never fall back to storing a secret in
 * plain text or under a well-known password: it refuses with KEY_VAULT_UNAVAILABLE and says why
 * (main/adapters/key-vault).
 */
export interface KeyVault {
  /** Which keystore seals, e.g. `macOS Keychain`, `gnome_libsecret`. */
  readonly description: string;
  /** Encrypts `secret` so that only this OS user on this machine can open it. */
  seal(secret: Uint8Array): Promise<Uint8Array>;
  /** Opens what `seal` produced; a blob from another machine or user fails with KEY_VAULT_UNAVAILABLE. */
  open(sealed: Uint8Array): Promise<Uint8Array>;
}
