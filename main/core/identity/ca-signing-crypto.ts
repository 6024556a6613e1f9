import type { webcrypto } from 'node:crypto';
import type { CaSigningKey } from '../ports/ca-signing-key';

/**
 * A WebCrypto object for @peculiar/x509's generators whose `sign` goes to a `CaSigningKey` (a token or
 * a sealed key) while hashing and key import stay with Node's WebCrypto. The library asks
 * `crypto.subtle.sign(algorithm, signingKey, tbs)` and expects WebCrypto's ECDSA format (r‖s), which is
 * what the port returns.
 */
export function caSigningCrypto(key: CaSigningKey, signal?: AbortSignal): webcrypto.Crypto {
  const base = globalThis.crypto;
  const subtle = base.subtle;
  const shim = {
    digest: subtle.digest.bind(subtle),
    importKey: subtle.importKey.bind(subtle),
    exportKey: subtle.exportKey.bind(subtle),
    verify: subtle.verify.bind(subtle),
    sign: async (_algorithm: unknown, _key: unknown, data: webcrypto.BufferSource): Promise<ArrayBuffer> => {
      const bytes = ArrayBuffer.isView(data)
        ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
        : new Uint8Array(data);
      const signature = await key.sign(bytes, signal);
      return new Uint8Array(signature).buffer;
    },
  };
  return {
    subtle: shim,
    getRandomValues: base.getRandomValues.bind(base),
    randomUUID: base.randomUUID.bind(base),
  } as unknown as webcrypto.Crypto;
}

/**
 * What @peculiar/x509 is handed as `signingKey`: it reads only `algorithm` (to pick the signature
 * algorithm identifier) and passes the object back to `sign` above, which ignores it.
 */
export const CA_SIGNING_KEY_HANDLE = {
  type: 'private',
  extractable: false,
  algorithm: { name: 'ECDSA', namedCurve: 'P-256' },
  usages: ['sign'],
} as unknown as webcrypto.CryptoKey;

export const CA_SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;
