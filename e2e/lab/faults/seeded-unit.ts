/**
 * A deterministic number in [0, 1) for (seed, stream, index). It is a hash rather than a running
 * generator, so the decision for the 40th packet towards the device does not depend on how many packets
 * went the other way first: a scenario misbehaves the same way whatever the timing of a run.
 */
export function seededUnit(seed: number, stream: number, index: number): number {
  let hash = mix(seed >>> 0);
  hash = mix(hash ^ Math.imul(stream + 1, 0x9e3779b9));
  hash = mix(hash ^ Math.imul(index + 1, 0x85ebca6b));
  return hash / 0x1_0000_0000;
}

/** MurmurHash3's 32-bit finaliser: every input bit affects every output bit. */
function mix(value: number): number {
  let hash = value >>> 0;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
