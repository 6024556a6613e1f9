import { formatHlc, MAX_HLC_COUNTER, parseHlc, type HlcTimestamp } from '../../../shared/ledger/hlc';
import { AppError } from '../../../shared/errors';
import type { Clock } from '../ports/clock';

/**
 * Next HLC timestamp after `last` (Kulkarni et al., "Logical Physical Clocks"): the wall part never goes
 * backwards even if the machine's clock does, and the counter orders events within one millisecond.
 * `last` comes from the store inside the append transaction, so two processes writing the same ledger
 * still produce increasing timestamps.
 */
export function nextHlc(clock: Clock, last: string | null): string {
  const now = Math.floor(clock.nowMs());
  const previous = last === null ? null : parseHlc(last);
  if (last !== null && previous === null) {
    throw new AppError('LEDGER_CORRUPT', `stored HLC timestamp "${last}" is malformed`);
  }
  return formatHlc(advance(now, previous));
}

/** Merges a timestamp received from elsewhere (sync), so local events sort after what we have seen. */
export function receiveHlc(clock: Clock, local: string | null, remote: string): string {
  const remoteParsed = parseHlc(remote);
  if (!remoteParsed) throw new AppError('INVALID_INPUT', `HLC timestamp "${remote}" is malformed`);
  const localParsed = local === null ? null : parseHlc(local);
  const latest = localParsed === null || compare(remoteParsed, localParsed) > 0 ? remoteParsed : localParsed;
  return formatHlc(advance(Math.floor(clock.nowMs()), latest));
}

function advance(nowMs: number, previous: HlcTimestamp | null): HlcTimestamp {
  if (previous === null || nowMs > previous.wallMs) return { wallMs: nowMs, counter: 0 };
  if (previous.counter >= MAX_HLC_COUNTER) return { wallMs: previous.wallMs + 1, counter: 0 };
  return { wallMs: previous.wallMs, counter: previous.counter + 1 };
}

function compare(a: HlcTimestamp, b: HlcTimestamp): number {
  return a.wallMs - b.wallMs || a.counter - b.counter;
}
