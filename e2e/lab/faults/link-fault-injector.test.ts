import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConsoleFrameDecoder } from '../../../main/core/drivers/smp/console-frame-decoder';
import { encodeConsoleStream } from '../../../main/core/drivers/smp/console-frame-encoder';
import { decodeSmpHeader } from '../../../main/core/drivers/smp/smp-header';
import { encodeSmpPacket } from '../../../main/core/drivers/smp/smp-packet';
import { faultPlanSchema, type FaultPlanInput } from './fault-plan';
import {
  corruptConsoleStream,
  corruptDatagram,
  LinkFaultInjector,
  type LinkDirection,
} from './link-fault-injector';

const packetWithSeq = (seq: number): Uint8Array =>
  encodeSmpPacket({ op: 2, version: 1, flags: 0, group: 0, seq, commandId: 0, body: { d: 'x' } });
const injector = (plan: FaultPlanInput) => new LinkFaultInjector(faultPlanSchema.parse(plan));
const verdicts = (faults: LinkFaultInjector, direction: LinkDirection, count: number) =>
  Array.from({ length: count }, (_, index) => faults.decide(direction, packetWithSeq(index & 0xff)).kind);

describe('link faults (fault-plan.ts)', () => {
  it('decides the same way for the same seed, whatever the other direction did', () => {
    const plan = { seed: 42, drop: { rate: 0.2 }, duplicate: { rate: 0.1 } };
    const first = injector(plan);
    const second = injector(plan);
    verdicts(second, 'from-device', 37);
    expect(verdicts(first, 'to-device', 200)).toEqual(verdicts(second, 'to-device', 200));
    expect(verdicts(injector({ ...plan, seed: 43 }), 'to-device', 200)).not.toEqual(
      verdicts(injector(plan), 'to-device', 200),
    );
  });

  it('drops close to the rate asked for', () => {
    const drops = verdicts(injector({ seed: 7, drop: { rate: 0.1 } }), 'to-device', 2000).filter(
      (kind) => kind === 'drop',
    ).length;
    expect(drops).toBeGreaterThan(140);
    expect(drops).toBeLessThan(260);
  });

  it('hits exactly the packet numbers listed, in the direction asked, drop before corrupt before duplicate', () => {
    const faults = injector({
      drop: { packets: [2], direction: 'to-device' },
      corrupt: { packets: [2, 3], direction: 'to-device' },
      duplicate: { packets: [3, 5] },
    });
    expect(verdicts(faults, 'to-device', 6)).toEqual([
      'pass',
      'drop',
      'corrupt',
      'pass',
      'duplicate',
      'pass',
    ]);
    expect(verdicts(faults, 'from-device', 6)).toEqual([
      'pass',
      'pass',
      'duplicate',
      'pass',
      'duplicate',
      'pass',
    ]);
    expect(faults.counts['to-device']).toEqual({ packets: 6, drop: 1, duplicate: 1, corrupt: 1 });
  });

  it('hits the first packet carrying each listed SMP sequence number, once', () => {
    const faults = injector({ drop: { seqs: [7] } });
    const kinds = [7, 8, 7].map((seq) => faults.decide('to-device', packetWithSeq(seq)).kind);
    expect(kinds).toEqual(['drop', 'pass', 'pass']);
  });

  it('prints console noise lines at the rate asked for, deterministically', () => {
    const lines = (seed: number) => {
      const faults = injector({ seed, consoleNoise: { rate: 0.5 } });
      return Array.from({ length: 50 }, () => faults.noiseLine());
    };
    expect(lines(3)).toEqual(lines(3));
    expect(lines(3).filter(Boolean).length).toBeGreaterThan(10);
    expect(lines(3).find(Boolean)).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3},000\] <wrn> .*\r\n$/);
  });

  it('refuses plans with impossible values and names the field', () => {
    expect(() => faultPlanSchema.parse({ drop: { rate: 2 } })).toThrow(/rate/);
    expect(() => faultPlanSchema.parse({ drop: { direction: 'up' } })).toThrow();
    expect(() => faultPlanSchema.parse({ drop: {} })).toThrow(/rate, packets or seqs/);
    expect(() => faultPlanSchema.parse({ unplug: { atPercent: 150 } })).toThrow(/atPercent/);
    expect(() => faultPlanSchema.parse({ explode: true })).toThrow();
  });

  it('corrupts a console stream so that the receiver never takes it for a packet (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 8, maxLength: 600 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 0, max: 7 }),
        (packet, unit, bit) => {
          const damaged = corruptConsoleStream(encodeConsoleStream(packet), unit, bit);
          const events = new ConsoleFrameDecoder().push(damaged);
          expect(events.filter((event) => event.kind === 'packet')).toEqual([]);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('corrupts a datagram so that its SMP header no longer parses', () => {
    expect(() => decodeSmpHeader(corruptDatagram(packetWithSeq(1)))).toThrow(
      expect.objectContaining({ code: 'DEVICE_PROTOCOL' }),
    );
  });
});
