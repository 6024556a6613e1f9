/**
 * The private key of the station's offline issuing CA, reachable only through `sign`: a key in a
 * PKCS#11 token (main/adapters/pkcs11) or a key sealed by the OS keystore
 * (main/core/identity/sealed-ca-signing-key.ts). The key itself never crosses this interface.
 */
export interface CaSigningKey {
  /** Where the key lives, for logs: `pkcs11:token=…;object=…`, `os-keystore`. */
  readonly description: string;
  /** ECDSA P-256 with SHA-256 is the one algorithm; the token or vault refuses others on open. */
  readonly algorithm: 'ecdsa-p256-sha256';
  /** The public half as SubjectPublicKeyInfo DER: checked against the CA certificate before use. */
  readonly publicKeySpki: Uint8Array;
  /** Signs `data` (hashing it with SHA-256 first) and returns the IEEE P1363 signature r‖s (64 bytes). */
  sign(data: Uint8Array, signal?: AbortSignal): Promise<Uint8Array>;
  /** Logs out and releases the token or wipes the in-memory key. */
  close(): Promise<void>;
}
