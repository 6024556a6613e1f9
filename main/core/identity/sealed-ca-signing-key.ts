import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { AppError } from '../../../shared/errors';
import type { CaSigningKey } from '../ports/ca-signing-key';
import type { KeyVault } from '../ports/key-vault';

/**
 * A CA key held as a Node KeyObject: the OS-keystore path for a laptop without a token (opened from
 * a sealed blob, below), and the tests' stand-in for a root CA. Signing is ECDSA P-256 / SHA-256 in
 * the P1363 format the port defines.
 */
export function keyObjectCaSigningKey(privateKey: KeyObject, description: string): CaSigningKey {
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new AppError('OFFLINE_CA_UNUSABLE', `the CA key ${description} is not a P-256 key`);
  }
  const publicKeySpki = new Uint8Array(createPublicKey(privateKey).export({ type: 'spki', format: 'der' }));
  return {
    description,
    algorithm: 'ecdsa-p256-sha256',
    publicKeySpki,
    sign: (data) =>
      Promise.resolve(new Uint8Array(sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' }))),
    close: () => Promise.resolve(),
  };
}

/**
 * Generates an offline CA key pair here and returns it sealed by the OS keystore; the private key
 * exists in plain form only in this process's memory, never in a file. The vault refuses (and so
 * does this) where no real keystore is available (KEY_VAULT_UNAVAILABLE).
 */
export async function createSealedCaKey(
  vault: KeyVault,
): Promise<{ sealedKey: Uint8Array; publicKeySpki: Uint8Array }> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  try {
    const sealedKey = await vault.seal(new Uint8Array(pkcs8));
    return { sealedKey, publicKeySpki: new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })) };
  } finally {
    pkcs8.fill(0);
  }
}

/** Opens a CA key sealed by `createSealedCaKey` for signing; the plain PKCS#8 bytes are wiped once imported. */
export async function openSealedCaSigningKey(vault: KeyVault, sealedKey: Uint8Array): Promise<CaSigningKey> {
  const pkcs8 = await vault.open(sealedKey);
  try {
    let privateKey: KeyObject;
    try {
      privateKey = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
    } catch (error: unknown) {
      throw new AppError(
        'OFFLINE_CA_UNUSABLE',
        'the sealed offline CA key does not hold a PKCS#8 private key',
        { cause: error },
      );
    }
    return keyObjectCaSigningKey(privateKey, `os-keystore (${vault.description})`);
  } finally {
    pkcs8.fill(0);
  }
}
