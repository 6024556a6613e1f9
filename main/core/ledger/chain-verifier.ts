import { ledgerEventSchema } from '../../../shared/contract';
import { GENESIS_HASH } from '../../../shared/ledger/canonical-event';
import { describeZodError } from '../../../shared/errors';
import type { StoredEvent } from '../ports/ledger-store';
import { hashEvent } from './event-hash';

export interface BrokenLink {
  position: number;
  eventId: string;
  stationId: string;
  stationSeq: number;
  reason: string;
}

export interface ChainReport {
  isIntact: boolean;
  eventsChecked: number;
  stations: number;
  firstBroken: BrokenLink | null;
}

/**
 * Walks the events in local order and checks, per station: each event's stored hash matches its
 * content, links to the previous event's hash, and continues the station's sequence without a gap.
 * Stops at the first broken link, because everything after it is unanchored.
 */
export function verifyChain(events: Iterable<StoredEvent>): ChainReport {
  const tips = new Map<string, { stationSeq: number; hash: string }>();
  let eventsChecked = 0;
  for (const event of events) {
    const reason = findDefect(event, tips.get(event.stationId));
    if (reason !== null) {
      return {
        isIntact: false,
        eventsChecked,
        stations: tips.size,
        firstBroken: {
          position: event.position,
          eventId: event.id,
          stationId: event.stationId,
          stationSeq: event.stationSeq,
          reason,
        },
      };
    }
    tips.set(event.stationId, { stationSeq: event.stationSeq, hash: event.hash });
    eventsChecked += 1;
  }
  return { isIntact: true, eventsChecked, stations: tips.size, firstBroken: null };
}

function findDefect(event: StoredEvent, tip: { stationSeq: number; hash: string } | undefined): string | null {
  const { position: _position, ...fields } = event;
  const parsed = ledgerEventSchema.safeParse(fields);
  if (!parsed.success) return `malformed event: ${describeZodError(parsed.error)}`;
  const expectedSeq = (tip?.stationSeq ?? 0) + 1;
  if (event.stationSeq !== expectedSeq) {
    return `sequence jumps from ${expectedSeq - 1} to ${event.stationSeq} (an event is missing or reordered)`;
  }
  const expectedPrev = tip?.hash ?? GENESIS_HASH;
  if (event.prevHash !== expectedPrev) {
    return `prevHash ${event.prevHash.slice(0, 12)}… does not match the previous event's hash ${expectedPrev.slice(0, 12)}…`;
  }
  const { hash, ...unhashed } = fields;
  const actual = hashEvent(unhashed);
  if (actual !== hash) {
    return `content does not match its hash (stored ${hash.slice(0, 12)}…, computed ${actual.slice(0, 12)}…): the event was altered`;
  }
  return null;
}
