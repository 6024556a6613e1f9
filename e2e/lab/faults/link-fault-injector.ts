import type { FaultPlan, PacketRule } from './fault-plan';
import { seededUnit } from './seeded-unit';

export type LinkDirection = 'to-device' | 'from-device';

/** What happens to one packet on the link. `unit` and `bit` choose the damaged byte and bit. */
export type PacketVerdict =
  | { kind: 'pass' }
  | { kind: 'drop' }
  | { kind: 'duplicate' }
  | { kind: 'corrupt'; unit: number; bit: number };

type FaultKind = 'drop' | 'duplicate' | 'corrupt';

/** How many packets went each way and what was done to them; tests assert the faults really happened. */
export type LinkFaultCounts = Record<LinkDirection, { packets: number } & Record<FaultKind, number>> & {
  noiseLines: number;
};

const STREAM: Record<FaultKind | 'noise' | 'position' | 'bit', number> = {
  drop: 1,
  duplicate: 2,
  corrupt: 3,
  noise: 4,
  position: 5,
  bit: 6,
};
const DIRECTION_STREAM: Record<LinkDirection, number> = { 'to-device': 0, 'from-device': 16 };

/**
 * Decides, packet by packet, what a scenario's link faults do (fault-plan.ts): drop, duplicate or corrupt,
 * in that order of precedence when several rules pick the same packet. One injector belongs to a device
 * and outlives its links, so packet numbers keep counting across an unplug. The links apply the verdicts
 * in their own terms (serial-console-link.ts, udp-smp-link.ts).
 */
export class LinkFaultInjector {
  readonly counts: LinkFaultCounts = {
    'to-device': { packets: 0, drop: 0, duplicate: 0, corrupt: 0 },
    'from-device': { packets: 0, drop: 0, duplicate: 0, corrupt: 0 },
    noiseLines: 0,
  };
  readonly #plan: FaultPlan | undefined;
  /** Sequence numbers each rule already fired on, per direction (a `seqs` rule fires once per number). */
  readonly #firedSeqs = new Map<string, Set<number>>();
  #noiseIndex = 0;

  constructor(plan: FaultPlan | undefined) {
    this.#plan = plan;
  }

  /** True when the plan has any packet fault, so links can skip the bookkeeping otherwise. */
  get isActive(): boolean {
    const plan = this.#plan;
    return (
      plan !== undefined && (plan.drop ?? plan.duplicate ?? plan.corrupt ?? plan.consoleNoise) !== undefined
    );
  }

  decide(direction: LinkDirection, packet: Uint8Array): PacketVerdict {
    const counts = this.counts[direction];
    counts.packets += 1;
    const index = counts.packets;
    const seq = packet.length > 6 ? packet[6] : undefined;
    for (const kind of ['drop', 'corrupt', 'duplicate'] as const) {
      if (!this.#picks(kind, direction, index, seq)) continue;
      counts[kind] += 1;
      if (kind !== 'corrupt') return { kind };
      const seed = this.#plan!.seed;
      const stream = DIRECTION_STREAM[direction];
      return {
        kind,
        unit: seededUnit(seed, STREAM.position + stream, index),
        bit: Math.floor(seededUnit(seed, STREAM.bit + stream, index) * 8),
      };
    }
    return { kind: 'pass' };
  }

  /** A Zephyr log line to print before the device's next frame, or undefined (serial console noise). */
  noiseLine(): string | undefined {
    const rate = this.#plan?.consoleNoise?.rate;
    if (rate === undefined) return undefined;
    this.#noiseIndex += 1;
    const draw = seededUnit(this.#plan!.seed, STREAM.noise, this.#noiseIndex);
    if (draw >= rate) return undefined;
    this.counts.noiseLines += 1;
    const stamp = `00:00:${String(this.#noiseIndex % 60).padStart(2, '0')}.${String(this.#noiseIndex % 1000).padStart(3, '0')},000`;
    return `[${stamp}] <wrn> fieldline_lab: sensor poll ${Math.floor(draw * 0xffff).toString(16)} late\r\n`;
  }

  #picks(kind: FaultKind, direction: LinkDirection, index: number, seq: number | undefined): boolean {
    const rule: PacketRule | undefined = this.#plan?.[kind];
    if (!rule || (rule.direction !== 'both' && rule.direction !== direction)) return false;
    if (rule.packets?.includes(index)) return true;
    if (seq !== undefined && rule.seqs?.includes(seq)) {
      const key = `${kind}:${direction}`;
      const fired = this.#firedSeqs.get(key) ?? new Set<number>();
      this.#firedSeqs.set(key, fired);
      if (!fired.has(seq)) {
        fired.add(seq);
        return true;
      }
    }
    return (
      rule.rate !== undefined &&
      seededUnit(this.#plan!.seed, STREAM[kind] + DIRECTION_STREAM[direction], index) < rule.rate
    );
  }
}

/**
 * A console-framed stream with one bit flipped in its base64 text (never in a frame's two marker bytes),
 * as line noise does it; the receiver's CRC or base64 check must catch it.
 */
export function corruptConsoleStream(stream: Uint8Array, unit: number, bit: number): Uint8Array {
  const candidates: number[] = [];
  let frameStart = 0;
  for (let index = 0; index < stream.length; index += 1) {
    if (stream[index] === 0x0a) {
      frameStart = index + 1;
      continue;
    }
    if (index >= frameStart + 2) candidates.push(index);
  }
  const damaged = new Uint8Array(stream);
  const target = candidates[Math.min(candidates.length - 1, Math.floor(unit * candidates.length))];
  if (target !== undefined) damaged[target] = damaged[target]! ^ (1 << bit);
  return damaged;
}

/**
 * A datagram damaged beyond parsing: its SMP header gets a reserved bit set. UDP's checksum would drop a
 * datagram with flipped bits in the kernel; this is the damage that reaches the SMP layer, which must
 * discard it rather than act on it.
 */
export function corruptDatagram(packet: Uint8Array): Uint8Array {
  const damaged = new Uint8Array(packet);
  if (damaged.length > 0) damaged[0] = damaged[0]! | 0x80;
  return damaged;
}
