// @peculiar/x509 resolves its algorithm providers through tsyringe, which needs the Reflect
// metadata API; it must be loaded before the library, and this is the only module importing it.
import 'reflect-metadata';
import { randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

// @peculiar/x509 runs on WebCrypto; Node's implementation is complete for ECDSA P-256.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { x509 };

/** Node's WebCrypto types (this package compiles without the DOM library). */
export type CryptoKey = webcrypto.CryptoKey;
export type CryptoKeyPair = webcrypto.CryptoKeyPair;

export const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;
export const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;

export async function generateKeyPair(): Promise<CryptoKeyPair> {
  return webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
}

/**
 * A positive 128-bit serial with no leading zero byte, so that its hex form is the same whether
 * it is printed by @peculiar/x509, node:tls or openssl (after lower-casing).
 */
export function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes.toString('hex');
}

/** Serials from node:tls are upper-case and may carry leading zeros; this is the stored form. */
export function normalizeSerial(serial: string): string {
  return serial.toLowerCase().replace(/^0+(?=.)/, '');
}

export async function privateKeyToPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

export async function privateKeyFromPem(pem: string): Promise<CryptoKey> {
  const der = x509.PemConverter.decode(pem)[0];
  if (der === undefined) throw new TypeError('no PEM block in private key file');
  return webcrypto.subtle.importKey('pkcs8', der, KEY_ALGORITHM, false, ['sign']);
}
