import { CsvError, parse } from 'csv-parse/sync';
import { AppError } from '../../../shared/errors';
import { readBoundedFile } from './recipe-file';

/** A factory table of a few hundred thousand rows fits; a bigger file is refused, not streamed. */
export const MAX_DEVICE_TABLE_BYTES = 32 * 1024 * 1024;

export type DeviceTableKey = 'serial' | 'hardwareId';

/** One CSV of per-device values, keyed by the column that finds a device's row. */
export interface DeviceTable {
  path: string;
  sha256: string;
  matchBy: DeviceTableKey;
  columns: string[];
  /** Key (as written, hardware ids lower-cased) → the row's line in the file and its non-empty cells. */
  rows: Map<string, { line: number; values: Record<string, string> }>;
}

/**
 * Reads a device table: a header row naming `serial` or `hardwareId` (whichever the recipe matches by)
 * and variables; one row per device. Broken CSV, a missing key column, a column that is no variable,
 * a row without a key and two rows for one device are refused (DEVICE_TABLE_INVALID naming the line).
 */
export function readDeviceTable(
  path: string,
  matchBy: DeviceTableKey,
  variableNames: ReadonlySet<string>,
): DeviceTable {
  const { text, sha256 } = readBoundedFile(path, MAX_DEVICE_TABLE_BYTES, 'DEVICE_TABLE_INVALID', 'the device table');
  const refuse = (message: string, details: Record<string, unknown> = {}): never => {
    throw new AppError('DEVICE_TABLE_INVALID', `${path}: ${message}`, { details: { file: path, ...details } });
  };
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse<{ record: Record<string, string>; info: { lines: number } }>(text, {
      columns: true,
      bom: true,
      trim: true,
      skip_empty_lines: true,
      info: true,
      max_record_size: 64 * 1024,
    });
  } catch (error: unknown) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      refuse(`line ${line ?? '?'}: ${error.message}`, { line, reason: error.code });
    }
    throw error;
  }
  const columns = records[0] === undefined ? headerOf(text) : Object.keys(records[0].record);
  if (!columns.includes(matchBy)) refuse(`no "${matchBy}" column (the recipe finds each device's row by it)`);
  for (const column of columns) {
    if (column !== matchBy && !variableNames.has(column))
      refuse(`column "${column}" is not a variable of the recipe`, { column });
  }
  const rows: DeviceTable['rows'] = new Map();
  for (const { record, info } of records) {
    const line = info.lines;
    const rawKey = record[matchBy] ?? '';
    if (rawKey === '') refuse(`line ${line}: the "${matchBy}" cell is empty`, { line });
    const key = normalizeKey(matchBy, rawKey);
    const earlier = rows.get(key);
    if (earlier !== undefined)
      refuse(`lines ${earlier.line} and ${line} are both for ${matchBy} ${rawKey}`, { line, firstLine: earlier.line });
    const values: Record<string, string> = {};
    for (const [column, cell] of Object.entries(record)) {
      if (column !== matchBy && cell !== '') values[column] = cell;
    }
    rows.set(key, { line, values });
  }
  return { path, sha256, matchBy, columns, rows };
}

/** The row for a device, or DEVICE_TABLE_INVALID naming the device and the file. */
export function rowForDevice(
  table: DeviceTable,
  device: { serial: string; hardwareId: string },
): { line: number; values: Record<string, string> } {
  const key = normalizeKey(table.matchBy, table.matchBy === 'serial' ? device.serial : device.hardwareId);
  const row = table.rows.get(key);
  if (row === undefined) {
    throw new AppError(
      'DEVICE_TABLE_INVALID',
      `${table.path}: no row for ${table.matchBy} ${key} (${table.rows.size} rows)`,
      { details: { file: table.path, [table.matchBy]: key } },
    );
  }
  return row;
}

function normalizeKey(matchBy: DeviceTableKey, key: string): string {
  return matchBy === 'hardwareId' ? key.toLowerCase() : key;
}

function headerOf(text: string): string[] {
  const first = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  return first === '' ? [] : first.split(',').map((cell) => cell.trim());
}
