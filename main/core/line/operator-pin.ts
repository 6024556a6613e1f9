import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** A PIN as stored: scrypt of the PIN with a random salt. The PIN itself is never kept. */
export interface PinHash {
  algorithm: 'scrypt';
  /** Base64. */
  salt: string;
  /** Base64. */
  hash: string;
  N: number;
  r: number;
  p: number;
}

/**
 * scrypt's cost: N=2^14, r=8 takes ~16 MiB and tens of milliseconds, which makes guessing the 10^4–10^8
 * PINs of a stolen settings file slow; the station's lockout (pin-attempts.ts) limits guessing online.
 */
const DEFAULT_COST = { N: 16_384, r: 8, p: 1 } as const;
const KEY_BYTES = 32;

export async function hashPin(pin: string, cost: { N: number; r: number; p: number } = DEFAULT_COST): Promise<PinHash> {
  const salt = randomBytes(16);
  const hash = await derive(pin, salt, cost);
  return { algorithm: 'scrypt', salt: salt.toString('base64'), hash: hash.toString('base64'), ...cost };
}

export async function pinMatches(pin: string, stored: PinHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64');
  const actual = await derive(pin, Buffer.from(stored.salt, 'base64'), stored);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

function derive(pin: string, salt: Buffer, cost: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { N: cost.N, r: cost.r, p: cost.p, maxmem: 64 * 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(pin.normalize('NFKC'), salt, KEY_BYTES, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}
