import { existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { AppError } from '../../../shared/errors';
import { LEDGER_APPLICATION_ID, LEDGER_MIGRATIONS, LEDGER_SCHEMA_VERSION } from './ledger-migrations';

/** How long a writer waits for another process holding the write lock (e.g. the CLI and the station). */
const BUSY_TIMEOUT_MS = 5_000;

/**
 * Opens (or creates) the ledger file. An existing file is first inspected through a read-only
 * connection: a damaged file, another program's database or one written by a newer Fieldline is
 * refused with its own error code before anything could write to it.
 */
export function openLedgerDatabase(path: string): Database.Database {
  if (existsSync(path) && statSync(path).size > 0) inspectExisting(path);
  const db = new Database(path);
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('journal_mode = WAL');
    // FULL: a committed event survives power loss, not only a crash of the process (quality.md).
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db);
    return db;
  } catch (error: unknown) {
    db.close();
    throw error;
  }
}

function inspectExisting(path: string): void {
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (error: unknown) {
    throw new AppError('LEDGER_CORRUPT', `cannot open ${path}: ${messageOf(error)}`, { cause: error, details: { path } });
  }
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    const applicationId = readPragmaNumber(db, 'application_id', path);
    const userVersion = readPragmaNumber(db, 'user_version', path);
    const tableCount = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get()?.n ?? 0;
    if (applicationId !== LEDGER_APPLICATION_ID && (applicationId !== 0 || tableCount > 0)) {
      throw new AppError('LEDGER_FOREIGN', `${path} is a SQLite database of another program (application_id ${applicationId})`, {
        details: { path, applicationId },
      });
    }
    if (userVersion > LEDGER_SCHEMA_VERSION) {
      throw new AppError(
        'LEDGER_NEWER_SCHEMA',
        `${path} has ledger schema ${userVersion}; this Fieldline understands up to ${LEDGER_SCHEMA_VERSION}`,
        { details: { path, schemaVersion: userVersion, supported: LEDGER_SCHEMA_VERSION } },
      );
    }
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') {
      throw new AppError('LEDGER_CORRUPT', `${path} failed SQLite's integrity check: ${String(check)}`, { details: { path } });
    }
  } catch (error: unknown) {
    if (error instanceof AppError) throw error;
    throw new AppError('LEDGER_CORRUPT', `${path} is not a readable ledger: ${messageOf(error)}`, { cause: error, details: { path } });
  } finally {
    db.close();
  }
}

function readPragmaNumber(db: Database.Database, name: string, path: string): number {
  const value: unknown = db.pragma(name, { simple: true });
  if (typeof value !== 'number') throw new AppError('LEDGER_CORRUPT', `${path}: PRAGMA ${name} returned ${String(value)}`);
  return value;
}

function migrate(db: Database.Database): void {
  for (let version = 1; version <= LEDGER_SCHEMA_VERSION; version += 1) {
    const sql = LEDGER_MIGRATIONS[version - 1];
    if (sql === undefined) throw new AppError('INTERNAL', `ledger migration ${version} is missing`);
    // The version is read inside the write transaction: two processes opening a new file at once
    // must not both run the same migration.
    db.transaction(() => {
      const current = db.pragma('user_version', { simple: true }) as number;
      if (current >= version) return;
      db.exec(sql);
      if (version === 1) db.pragma(`application_id = ${LEDGER_APPLICATION_ID}`);
      db.pragma(`user_version = ${version}`);
    }).immediate();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
