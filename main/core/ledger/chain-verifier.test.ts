import { describe, expect, it } from 'vitest';
import { GENESIS_HASH } from '../../../shared/ledger/canonical-event';
import type { StoredEvent } from '../ports/ledger-store';
import { verifyChain } from './chain-verifier';
import { hashEvent } from './event-hash';

function chain(stationId: string, length: number, startPosition = 1): StoredEvent[] {
  const events: StoredEvent[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= length; seq += 1) {
    const unhashed = {
      id: `${stationId}-${seq}`,
      stationId,
      stationSeq: seq,
      hlc: `${String(1000 + seq).padStart(15, '0')}:00000`,
      actor: 'tester',
      deviceId: 'dev-1',
      type: 'note.added',
      payload: { seq },
      prevHash,
    };
    const hash = hashEvent(unhashed);
    events.push({ ...unhashed, hash, position: startPosition + seq - 1 });
    prevHash = hash;
  }
  return events;
}

describe('verifyChain', () => {
  it('accepts intact chains of several stations, interleaved', () => {
    const a = chain('a', 3);
    const b = chain('b', 2, 4);
    expect(verifyChain([a[0]!, b[0]!, a[1]!, b[1]!, a[2]!])).toMatchObject({ isIntact: true, eventsChecked: 5, stations: 2 });
  });

  it('names an altered payload as the first broken link', () => {
    const events = chain('a', 4);
    events[2] = { ...events[2]!, payload: { seq: 999 } };
    const report = verifyChain(events);
    expect(report.isIntact).toBe(false);
    expect(report.firstBroken).toMatchObject({ position: 3, stationSeq: 3 });
    expect(report.firstBroken?.reason).toMatch(/altered/);
    expect(report.eventsChecked).toBe(2);
  });

  it('names a re-hashed but unlinked event (forged prevHash)', () => {
    const events = chain('a', 3);
    const { hash: _hash, position, ...rest } = events[1]!;
    const forged = { ...rest, prevHash: '1'.repeat(64) };
    events[1] = { ...forged, hash: hashEvent(forged), position };
    expect(verifyChain(events).firstBroken?.reason).toMatch(/prevHash/);
  });

  it('names a missing event as a sequence gap', () => {
    const events = chain('a', 4);
    events.splice(1, 1);
    expect(verifyChain(events).firstBroken).toMatchObject({ stationSeq: 3, reason: expect.stringMatching(/sequence jumps from 1 to 3/) as unknown });
  });

  it('names a malformed event', () => {
    const events = chain('a', 2);
    events[0] = { ...events[0]!, type: 'NOT A TYPE' };
    expect(verifyChain(events).firstBroken?.reason).toMatch(/malformed event: type/);
  });
});
