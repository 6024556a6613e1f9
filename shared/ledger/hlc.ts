/**
 * Hybrid logical clock timestamps as text: `<wall ms, 15 digits>:<counter, 5 digits>`. Fixed width,
 * so plain string comparison orders them, in SQLite, PostgreSQL and JavaScript alike.
 */
export interface HlcTimestamp {
  wallMs: number;
  counter: number;
}

const HLC_PATTERN = /^(\d{15}):(\d{5})$/;
export const MAX_HLC_COUNTER = 99_999;

export function formatHlc({ wallMs, counter }: HlcTimestamp): string {
  return `${String(wallMs).padStart(15, '0')}:${String(counter).padStart(5, '0')}`;
}

/** Returns null for text that is not an HLC timestamp. */
export function parseHlc(text: string): HlcTimestamp | null {
  const match = HLC_PATTERN.exec(text);
  if (!match) return null;
  return { wallMs: Number(match[1]), counter: Number(match[2]) };
}

/** The wall-clock part as an ISO date, for display. */
export function hlcToIso(text: string): string | null {
  const parsed = parseHlc(text);
  return parsed ? new Date(parsed.wallMs).toISOString() : null;
}
