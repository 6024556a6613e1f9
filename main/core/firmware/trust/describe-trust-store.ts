import type { CommandOutput } from '../../../../shared/contract';
import type { TrustStore } from './trust-store';

type TrustStoreDescription = CommandOutput<'firmware:trust-store'>;

/** The trust store as the Settings view shows it: keys by name, each with what it may sign. */
export function describeTrustStore(store: TrustStore): TrustStoreDescription {
  const usedBy = new Map<string, TrustStoreDescription['keys'][number]['usedBy']>();
  const products: TrustStoreDescription['products'] = [];
  const nameOf = (keyId: string): string => store.keys.get(keyId)?.name ?? keyId;
  for (const [product, policy] of [...store.products].sort(([a], [b]) => a.localeCompare(b))) {
    for (const keyId of policy.releaseKeyIds)
      usedBy.set(keyId, [...(usedBy.get(keyId) ?? []), { product, purpose: 'release' }]);
    for (const keyId of policy.imageKeyIds)
      usedBy.set(keyId, [...(usedBy.get(keyId) ?? []), { product, purpose: 'image' }]);
    products.push({
      product,
      releaseKeys: [...policy.releaseKeyIds].map(nameOf).sort(),
      imageKeys: [...policy.imageKeyIds].map(nameOf).sort(),
      threshold: policy.threshold,
    });
  }
  const keys = [...store.keys.values()]
    .map((key) => ({
      name: key.name,
      keyId: key.keyId,
      algorithm: key.algorithm,
      isDevelopment: key.isDevelopment,
      revokedReason: store.revoked.get(key.keyId) ?? null,
      usedBy: usedBy.get(key.keyId) ?? [],
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { keys, products };
}
