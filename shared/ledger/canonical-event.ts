import type { JsonValue, LedgerEvent } from '../contract/ledger';

/** Version tag of the hashed form; bump only with a migration that re-anchors every chain. */
export const EVENT_HASH_FORMAT = 'fieldline-event-v1';

/** 64 zeros: the `prevHash` of a station's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * JSON with object keys sorted at every depth and no whitespace, so that the same value always
 * serialises to the same text on every station and on the fleet server.
 */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] as JsonValue)}`).join(',')}}`;
}

/**
 * The exact text whose SHA-256 (UTF-8, lower-case hex) is an event's `hash`. Everything except the
 * hash itself is covered, including `prevHash`, which links each station's events into a chain.
 */
export function canonicalEventText(event: Omit<LedgerEvent, 'hash'>): string {
  return JSON.stringify([
    EVENT_HASH_FORMAT,
    event.id,
    event.stationId,
    event.stationSeq,
    event.hlc,
    event.actor,
    event.deviceId,
    event.type,
    canonicalJson(event.payload),
    event.prevHash,
  ]);
}
