import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createTrustStore, withRevocations, type TrustStore } from '../trust/trust-store';
import { keyIdOf } from '../keys/key-identity';

export interface TestKey {
  name: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** Keys generated for one test run, and the trust store built from them (products acme-*). */
export interface TestKeyring {
  releaseEd25519: TestKey;
  releaseP256: TestKey;
  /** A release key of another product (acme-gateway) only. */
  releaseOtherProduct: TestKey;
  releaseRevokedEd25519: TestKey;
  releaseRevokedP256: TestKey;
  /** Not in the trust store at all. */
  releaseUnknown: TestKey;
  imageEd25519: TestKey;
  imageP256: TestKey;
  imageRsa2048: TestKey;
  imageRevoked: TestKey;
  imageUnknown: TestKey;
  trustStore: TrustStore;
}

export const TEST_PRODUCT = 'acme-sensor';
/** A product whose policy needs two release signatures. */
export const TWO_SIGNATURE_PRODUCT = 'acme-vault';

function key(name: string, type: 'ed25519' | 'p256' | 'rsa2048'): TestKey {
  const pair =
    type === 'ed25519'
      ? generateKeyPairSync('ed25519')
      : type === 'p256'
        ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
        : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { name, privateKey: pair.privateKey, publicKey: pair.publicKey };
}

/** Generates fresh keys (RSA-2048 takes the longest, well under a second) and their trust store. */
export function createTestKeyring(): TestKeyring {
  const keys = {
    releaseEd25519: key('release-ed25519', 'ed25519'),
    releaseP256: key('release-p256', 'p256'),
    releaseOtherProduct: key('release-other-product', 'ed25519'),
    releaseRevokedEd25519: key('release-revoked-ed25519', 'ed25519'),
    releaseRevokedP256: key('release-revoked-p256', 'p256'),
    releaseUnknown: key('release-unknown', 'ed25519'),
    imageEd25519: key('image-ed25519', 'ed25519'),
    imageP256: key('image-p256', 'p256'),
    imageRsa2048: key('image-rsa2048', 'rsa2048'),
    imageRevoked: key('image-revoked', 'p256'),
    imageUnknown: key('image-unknown', 'p256'),
  };
  const known = Object.values(keys).filter((entry) => entry !== keys.releaseUnknown && entry !== keys.imageUnknown);
  const store = createTrustStore({
    keys: known.map((entry) => ({ name: entry.name, publicKey: entry.publicKey, isDevelopment: true })),
    products: {
      [TEST_PRODUCT]: {
        releaseKeys: ['release-ed25519', 'release-p256', 'release-revoked-ed25519', 'release-revoked-p256'],
        imageKeys: ['image-ed25519', 'image-p256', 'image-rsa2048', 'image-revoked'],
      },
      'acme-gateway': { releaseKeys: ['release-other-product'], imageKeys: ['image-ed25519'] },
      [TWO_SIGNATURE_PRODUCT]: { releaseKeys: ['release-ed25519', 'release-p256'], imageKeys: ['image-ed25519'], threshold: 2 },
    },
  });
  const trustStore = withRevocations(
    store,
    [keys.releaseRevokedEd25519, keys.releaseRevokedP256, keys.imageRevoked].map((entry) => ({ keyId: keyIdOf(entry.publicKey), reason: 'test: key compromised' })),
  );
  return { ...keys, trustStore };
}
