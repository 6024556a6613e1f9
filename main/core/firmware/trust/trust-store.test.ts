import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { keyIdOf } from '../keys/key-identity';
import { codeOf, refusalOf } from '../test-support/expect-refusal';
import { describeTrustStore } from './describe-trust-store';
import { createTrustStore, productKeys, withRevocations } from './trust-store';
import { parseTrustStoreYaml } from './trust-store-document';

const devKeys = new URL('../../../../resources/dev-keys/', import.meta.url);
const read = (name: string): string => readFileSync(new URL(name, devKeys), 'utf8');

describe('trust store', () => {
  it('loads the development trust store, whose keys match the development private keys', () => {
    const store = parseTrustStoreYaml(read('dev-trust-store.yaml'));
    for (const name of [
      'dev-release-ed25519',
      'dev-release-p256',
      'dev-image-ed25519',
      'dev-image-p256',
      'dev-image-rsa2048',
    ]) {
      const keyId = keyIdOf(createPublicKey(createPrivateKey(read(`${name}.private.pem`))));
      expect(store.keys.get(keyId)).toMatchObject({ name, isDevelopment: true });
      expect(keyIdOf(createPublicKey(read(`${name}.public.pem`)))).toBe(keyId);
    }
    expect(productKeys(store, 'fieldline-lab-nrf52840', 'release').usable.map((key) => key.name)).toEqual([
      'dev-release-ed25519',
      'dev-release-p256',
    ]);
    expect(productKeys(store, 'fieldline-lab-nrf52840', 'image').usable.map((key) => key.algorithm)).toEqual([
      'ed25519',
      'ecdsa-p256',
      'rsa-2048',
    ]);
  });

  it('revokes keys by id for every product, without changing the original store', () => {
    const store = parseTrustStoreYaml(read('dev-trust-store.yaml'));
    const keyId = productKeys(store, 'fieldline-lab-gateway', 'release').usable[0]!.keyId;
    const revoked = withRevocations(store, [{ keyId, reason: 'lost laptop' }]);
    expect(productKeys(revoked, 'fieldline-lab-nrf52840', 'release').revoked.map((key) => key.keyId)).toEqual(
      [keyId],
    );
    expect(productKeys(store, 'fieldline-lab-nrf52840', 'release').revoked).toEqual([]);
  });

  it('describes each key with what it may sign for which product, and its revocation', () => {
    const store = parseTrustStoreYaml(read('dev-trust-store.yaml'));
    const revokedId = [...store.keys.values()].find((key) => key.name === 'dev-release-p256')!.keyId;
    const described = describeTrustStore(
      withRevocations(store, [{ keyId: revokedId, reason: 'lost laptop' }]),
    );
    const p256 = described.keys.find((key) => key.name === 'dev-release-p256')!;
    expect(p256).toMatchObject({
      keyId: revokedId,
      algorithm: 'ecdsa-p256',
      isDevelopment: true,
      revokedReason: 'lost laptop',
    });
    expect(p256.usedBy).toContainEqual({ product: 'fieldline-lab-nrf52840', purpose: 'release' });
    expect(
      described.keys
        .find((key) => key.name === 'dev-image-rsa2048')!
        .usedBy.every((use) => use.purpose === 'image'),
    ).toBe(true);
    const lab = described.products.find((product) => product.product === 'fieldline-lab-nrf52840')!;
    expect(lab).toMatchObject({ releaseKeys: ['dev-release-ed25519', 'dev-release-p256'], threshold: 1 });
    expect(described.keys.map((key) => key.name)).toEqual([...described.keys.map((key) => key.name)].sort());
  });

  it('refuses inconsistent stores with TRUST_STORE_INVALID naming the problem', () => {
    const ed = generateKeyPairSync('ed25519').publicKey;
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    expect(
      refusalOf(() =>
        createTrustStore({
          keys: [{ name: 'a', publicKey: ed }],
          products: { p: { releaseKeys: ['b'], imageKeys: [] } },
        }),
      ).message,
    ).toMatch(/names key "b"/);
    expect(
      refusalOf(() =>
        createTrustStore({
          keys: [{ name: 'r', publicKey: rsa }],
          products: { p: { releaseKeys: ['r'], imageKeys: [] } },
        }),
      ).message,
    ).toMatch(/release keys are Ed25519 or ECDSA P-256/);
    expect(
      codeOf(() =>
        createTrustStore({
          keys: [{ name: 'a', publicKey: ed }],
          products: { p: { releaseKeys: ['a'], imageKeys: [], threshold: 2 } },
        }),
      ),
    ).toBe('TRUST_STORE_INVALID');
    expect(
      codeOf(() => createTrustStore({ keys: [{ name: 'a', publicKey: 'not a pem' }], products: {} })),
    ).toBe('TRUST_STORE_INVALID');
    expect(codeOf(() => parseTrustStoreYaml('schemaVersion: 1\nkeys: &a [*a]'))).toBe('TRUST_STORE_INVALID');
    expect(codeOf(() => parseTrustStoreYaml('schemaVersion: 2\nkeys: []\nproducts: {}'))).toBe(
      'TRUST_STORE_INVALID',
    );
  });
});
