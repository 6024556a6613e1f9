import { describe, expect, it } from 'vitest';
import { DeadlinePacer } from './deadline-pacer';

const collect = (baudRate: number) => {
  const released: Uint8Array[] = [];
  const pacer = new DeadlinePacer({ baudRate }, (bytes) => released.push(bytes));
  const all = (): number[] => released.flatMap((bytes) => [...bytes]);
  return { pacer, released, all };
};
const waitUntil = async (condition: () => boolean): Promise<void> => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 2));
};

// Only order, completeness and bookkeeping are asserted here; rates are measured in bench/ (quality.md).
describe('DeadlinePacer', () => {
  it('passes bytes straight through when no baud rate is set', () => {
    const { pacer, released } = collect(0);
    pacer.push(Uint8Array.of(1, 2, 3));
    expect(released).toEqual([Uint8Array.of(1, 2, 3)]);
  });

  it('releases every byte, in order, in chunks, when paced', async () => {
    const { pacer, released, all } = collect(1_000_000);
    const input = Array.from({ length: 3000 }, (_, index) => index & 0xff);
    pacer.push(Uint8Array.from(input.slice(0, 1000)));
    pacer.push(Uint8Array.from(input.slice(1000)));
    expect(released).toHaveLength(0);
    await waitUntil(() => all().length === input.length);
    expect(all()).toEqual(input);
    expect(released.length).toBeGreaterThan(1);
    expect(pacer.stats.bytes).toBe(3000);
    expect(pacer.queuedBytes).toBe(0);
  });

  it('drops what is queued on clear and releases nothing after stop', async () => {
    const { pacer, all } = collect(100_000);
    pacer.push(new Uint8Array(5000));
    pacer.clear();
    pacer.push(Uint8Array.of(7));
    await waitUntil(() => all().length > 0);
    expect(all()).toEqual([7]);
    pacer.stop();
    pacer.push(Uint8Array.of(8));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(all()).toEqual([7]);
  });
});
