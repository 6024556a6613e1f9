import { describe, expect, it } from 'vitest';
import { formatHlc, MAX_HLC_COUNTER } from '../../../shared/ledger/hlc';
import { ManualClock } from '../../test-support/manual-clock';
import { nextHlc, receiveHlc } from './hybrid-clock';

describe('nextHlc', () => {
  it('uses the wall clock when it moved forward', () => {
    const clock = new ManualClock(2_000);
    expect(nextHlc(clock, formatHlc({ wallMs: 1_000, counter: 7 }))).toBe(formatHlc({ wallMs: 2_000, counter: 0 }));
  });

  it('counts within one millisecond and never goes backwards when the clock does', () => {
    const clock = new ManualClock(5_000);
    const first = nextHlc(clock, null);
    const second = nextHlc(clock, first);
    clock.set(1_000); // the machine's clock jumped back
    const third = nextHlc(clock, second);
    expect(second).toBe(formatHlc({ wallMs: 5_000, counter: 1 }));
    expect(third).toBe(formatHlc({ wallMs: 5_000, counter: 2 }));
    expect([first, second, third]).toEqual([first, second, third].sort());
  });

  it('rolls into the next millisecond when the counter is exhausted', () => {
    const clock = new ManualClock(5_000);
    expect(nextHlc(clock, formatHlc({ wallMs: 5_000, counter: MAX_HLC_COUNTER }))).toBe(formatHlc({ wallMs: 5_001, counter: 0 }));
  });

  it('refuses a malformed stored timestamp with LEDGER_CORRUPT', () => {
    expect(() => nextHlc(new ManualClock(1), 'garbage')).toThrow(expect.objectContaining({ code: 'LEDGER_CORRUPT' }));
  });
});

describe('receiveHlc', () => {
  it('moves past a remote timestamp from the future', () => {
    const clock = new ManualClock(1_000);
    const remote = formatHlc({ wallMs: 9_000, counter: 3 });
    expect(receiveHlc(clock, formatHlc({ wallMs: 1_000, counter: 0 }), remote)).toBe(formatHlc({ wallMs: 9_000, counter: 4 }));
  });

  it('refuses a malformed remote timestamp with INVALID_INPUT', () => {
    expect(() => receiveHlc(new ManualClock(1), null, 'x')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});
