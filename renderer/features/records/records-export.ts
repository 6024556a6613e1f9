import type { Bridge } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { ledgerQueryOf, type LedgerFilters } from './ledger-feed';
import type { LedgerRow } from './ledger-page';

/** The most an export from the UI collects; beyond it, `fieldline ledger export` streams without limit. */
export const MAX_EXPORTED_EVENTS = 200_000;
const EXPORT_PAGE_SIZE = 1000;

export type ExportFormat = 'csv' | 'json';

/**
 * Every event matching the filters, newest first, fetched a page at a time so the station answers
 * other requests in between. Stops with EXPORT_TOO_LARGE rather than freezing the window on a huge
 * ledger, and with CANCELLED when the person cancels.
 */
export async function collectRecords(
  bridge: Bridge,
  filters: LedgerFilters,
  options: { signal: AbortSignal; onProgress: (count: number) => void },
): Promise<LedgerRow[]> {
  const collected: LedgerRow[] = [];
  let before: number | undefined;
  for (;;) {
    if (options.signal.aborted) throw new AppError('CANCELLED', 'Export cancelled');
    const page = await bridge.invoke('ledger:list-events', {
      ...ledgerQueryOf(filters),
      limit: EXPORT_PAGE_SIZE,
      ...(before === undefined ? {} : { before }),
    });
    collected.push(...page.events);
    options.onProgress(collected.length);
    if (collected.length > MAX_EXPORTED_EVENTS)
      throw new AppError(
        'INVALID_INPUT',
        `More than ${MAX_EXPORTED_EVENTS.toLocaleString('en')} records match; narrow the filters or run "fieldline ledger export --json"`,
      );
    if (page.nextBefore === null) return collected;
    before = page.nextBefore;
  }
}

const CSV_COLUMNS = [
  'id',
  'hlc',
  'stationId',
  'stationSeq',
  'actor',
  'deviceId',
  'type',
  'payload',
  'prevHash',
  'hash',
] as const;

/** RFC 4180 CSV, one event a row, the payload as JSON in one cell. */
export function recordsToCsv(events: readonly LedgerRow[]): string {
  const rows = events.map((event) =>
    CSV_COLUMNS.map((column) => {
      if (column === 'payload') return csvCell(JSON.stringify(event.payload));
      const value = event[column];
      return csvCell(value === null ? '' : String(value));
    }).join(','),
  );
  return [CSV_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}

/** The events as a JSON array, exactly as the ledger holds them (hashes can be checked against it). */
export function recordsToJson(events: readonly LedgerRow[]): string {
  return (
    JSON.stringify(
      events.map(({ position: _position, ...event }) => event),
      null,
      2,
    ) + '\n'
  );
}

/**
 * Quotes a cell when it needs it, and defuses spreadsheet formulas: a device can put any text into a
 * payload, and "=HYPERLINK(…)" must open as text in the technician's spreadsheet, not run.
 */
function csvCell(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** Saves text as a file through the browser's download (Electron asks where to save it). */
export function downloadText(fileName: string, mimeType: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: mimeType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  // The download has its own reference; the URL is not needed once it started.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
