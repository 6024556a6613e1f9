import { randomBytes } from 'node:crypto';
import type { JsonValue, LedgerEvent } from '../../../shared/contract/ledger';
import { GENESIS_HASH } from '../../../shared/ledger/canonical-event';
import { eventHash } from '../../src/ingest/validate-batch';

/** A UUIDv7 for `timeMs` (RFC 9562 §5.7): 48-bit time, version 7, variant 10, random rest. */
export function uuidV7(timeMs: number): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(timeMs, 0, 6);
  bytes[6] = 0x70 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** An HLC string that sorts lexicographically: zero-padded wall time, counter, node. */
export function hlcAt(timeMs: number, counter = 0, node = 'n'): string {
  return `${String(timeMs).padStart(15, '0')}.${String(counter).padStart(5, '0')}.${node}`;
}

/** Builds a station's hash chain the way a station does, for tests. */
export class EventChainBuilder {
  readonly events: LedgerEvent[] = [];
  private timeMs: number;

  constructor(
    readonly stationId: string,
    startTimeMs = Date.now(),
  ) {
    this.timeMs = startTimeMs;
  }

  append(input: { deviceId: string | null; type: string; payload?: JsonValue; hlc?: string; actor?: string }): LedgerEvent {
    this.timeMs += 1;
    const previous = this.events.at(-1);
    const unhashed = {
      id: uuidV7(this.timeMs),
      stationId: this.stationId,
      stationSeq: this.events.length + 1,
      hlc: input.hlc ?? hlcAt(this.timeMs, 0, this.stationId),
      actor: input.actor ?? 'tech@example.com',
      deviceId: input.deviceId,
      type: input.type,
      payload: input.payload ?? {},
      prevHash: previous?.hash ?? GENESIS_HASH,
    };
    const event = { ...unhashed, hash: eventHash(unhashed) };
    this.events.push(event);
    return event;
  }

  /** `count` filler events about one device. */
  appendMany(count: number, deviceId: string | null = null): LedgerEvent[] {
    return Array.from({ length: count }, (_, index) => this.append({ deviceId, type: 'device.sighted', payload: { index } }));
  }
}

/** Recomputes the hash after a change, as a forger who knows the format would. */
export function rehash(event: LedgerEvent): LedgerEvent {
  const { hash: _hash, ...unhashed } = event;
  return { ...unhashed, hash: eventHash(unhashed) };
}
