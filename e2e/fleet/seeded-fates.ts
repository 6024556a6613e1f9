import type { ExchangeFate } from './hostile-tcp-proxy';

/** Mulberry32: a small seeded generator of numbers in [0, 1), so a failing run can be replayed by its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}

/**
 * Fates dealt from a shuffled deck rather than drawn independently: every fault kind comes up at least
 * once in each run of `deck.length` exchanges, in a seeded random order, so a short test cannot be
 * unlucky enough to never commit one of them.
 */
export function fateDeck(seed: number, deck: readonly ExchangeFate[]): () => ExchangeFate {
  const random = seededRandom(seed);
  let hand: ExchangeFate[] = [];
  return () => {
    if (hand.length === 0) {
      hand = [...deck];
      for (let index = hand.length - 1; index > 0; index -= 1) {
        const other = Math.floor(random() * (index + 1));
        [hand[index], hand[other]] = [hand[other] as ExchangeFate, hand[index] as ExchangeFate];
      }
    }
    return hand.pop() ?? 'pass';
  };
}
