import { createPublicKey, type KeyObject } from 'node:crypto';
import { AppError } from '../../../../shared/errors';
import { keyAlgorithmOf, keyIdOf, mcubootKeyHashOf, type KeyAlgorithm } from '../keys/key-identity';

/** One public key the station knows, with the ids it is found by. */
export interface TrustedKey {
  name: string;
  /** SHA-256 of the SubjectPublicKeyInfo DER, hex: the DSSE `keyid`. */
  keyId: string;
  /** MCUboot KEYHASH of the key, hex (protocols.md §2). */
  mcubootKeyHash: string;
  algorithm: KeyAlgorithm;
  publicKey: KeyObject;
  /** Development keys (resources/dev-keys) are for the lab and tests; reports say so. */
  isDevelopment: boolean;
}

/** Which keys count for one product. */
export interface ProductTrust {
  /** Keys that may sign release manifests (DSSE). */
  releaseKeyIds: ReadonlySet<string>;
  /** Keys that may sign MCUboot images of this product. */
  imageKeyIds: ReadonlySet<string>;
  /** How many distinct release keys must have signed. */
  threshold: number;
}

/** Decides which keys count per product (issue item 2). Immutable; revocations give a new store. */
export interface TrustStore {
  keys: ReadonlyMap<string, TrustedKey>;
  products: ReadonlyMap<string, ProductTrust>;
  /** Revoked key ids with the reason; a revoked key counts for nothing, whichever product names it. */
  revoked: ReadonlyMap<string, string>;
}

export interface TrustStoreDefinition {
  keys: { name: string; publicKey: KeyObject | string; isDevelopment?: boolean }[];
  products: Record<string, { releaseKeys: string[]; imageKeys: string[]; threshold?: number }>;
  revoked?: { keyId: string; reason: string }[];
}

/** Builds a trust store; products name keys by `name`. Refuses (TRUST_STORE_INVALID) anything inconsistent. */
export function createTrustStore(definition: TrustStoreDefinition): TrustStore {
  const byName = new Map<string, TrustedKey>();
  for (const entry of definition.keys) {
    if (byName.has(entry.name)) throw invalid(`key name "${entry.name}" appears twice`);
    byName.set(entry.name, describeKey(entry.name, entry.publicKey, entry.isDevelopment ?? false));
  }
  const products = new Map<string, ProductTrust>();
  for (const [product, policy] of Object.entries(definition.products)) {
    const release = policy.releaseKeys.map((name) => lookup(byName, name, product));
    const image = policy.imageKeys.map((name) => lookup(byName, name, product));
    const unfit = release.find((key) => key.algorithm !== 'ed25519' && key.algorithm !== 'ecdsa-p256');
    if (unfit) throw invalid(`product "${product}": release key "${unfit.name}" is ${unfit.algorithm}; release keys are Ed25519 or ECDSA P-256`);
    const threshold = policy.threshold ?? 1;
    if (!Number.isInteger(threshold) || threshold < 1 || threshold > release.length) {
      throw invalid(`product "${product}": threshold ${threshold} must be between 1 and its ${release.length} release keys`);
    }
    products.set(product, { releaseKeyIds: new Set(release.map((key) => key.keyId)), imageKeyIds: new Set(image.map((key) => key.keyId)), threshold });
  }
  const keys = new Map([...byName.values()].map((key) => [key.keyId, key]));
  return withRevocations({ keys, products, revoked: new Map() }, definition.revoked ?? []);
}

/** A store with more keys revoked (the fleet catalog's revocation list, later). */
export function withRevocations(store: TrustStore, revocations: readonly { keyId: string; reason: string }[]): TrustStore {
  const revoked = new Map(store.revoked);
  for (const { keyId, reason } of revocations) {
    if (!/^[0-9a-f]{64}$/.test(keyId)) throw invalid(`revoked key id "${keyId}" is not 64 lowercase hex digits`);
    revoked.set(keyId, reason);
  }
  return { ...store, revoked };
}

/** Keys of a product for one purpose, with revoked ones split off. */
export function productKeys(store: TrustStore, product: string, purpose: 'release' | 'image'): { usable: TrustedKey[]; revoked: TrustedKey[] } {
  const policy = store.products.get(product);
  const ids = policy === undefined ? [] : [...(purpose === 'release' ? policy.releaseKeyIds : policy.imageKeyIds)];
  const keys = ids.map((id) => store.keys.get(id)).filter((key): key is TrustedKey => key !== undefined);
  return { usable: keys.filter((key) => !store.revoked.has(key.keyId)), revoked: keys.filter((key) => store.revoked.has(key.keyId)) };
}

function describeKey(name: string, source: KeyObject | string, isDevelopment: boolean): TrustedKey {
  let publicKey: KeyObject;
  try {
    publicKey = typeof source === 'string' ? createPublicKey(source) : createPublicKey(source.export({ type: 'spki', format: 'pem' }));
  } catch (error: unknown) {
    throw invalid(`key "${name}": not a PEM public key (${error instanceof Error ? error.message : String(error)})`);
  }
  const algorithm = keyAlgorithmOf(publicKey);
  if (algorithm === undefined) throw invalid(`key "${name}": only Ed25519, ECDSA P-256 and RSA-2048/3072 keys are accepted`);
  return { name, keyId: keyIdOf(publicKey), mcubootKeyHash: mcubootKeyHashOf(publicKey), algorithm, publicKey, isDevelopment };
}

function lookup(byName: Map<string, TrustedKey>, name: string, product: string): TrustedKey {
  const key = byName.get(name);
  if (!key) throw invalid(`product "${product}" names key "${name}", which the trust store does not define`);
  return key;
}

function invalid(message: string): AppError {
  return new AppError('TRUST_STORE_INVALID', `trust store: ${message}`, { details: { check: 'trust store' } });
}
