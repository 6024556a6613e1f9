import { createHash } from 'node:crypto';
import type { LedgerEvent } from '../../../shared/contract';
import { canonicalEventText } from '../../../shared/ledger/canonical-event';

/** SHA-256 of the event's canonical text (shared/ledger/canonical-event.ts), lower-case hex. */
export function hashEvent(event: Omit<LedgerEvent, 'hash'>): string {
  return createHash('sha256').update(canonicalEventText(event), 'utf8').digest('hex');
}
