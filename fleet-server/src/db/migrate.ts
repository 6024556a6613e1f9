import { readdir, readFile } from 'node:fs/promises';
import { AppError } from '../../../shared/errors';
import { toNumber, type Database } from './database';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);
/** Arbitrary constant: the advisory lock that serialises servers migrating the same database. */
const MIGRATION_LOCK_KEY = 7_401_120;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Reads `NNNN-name.sql` files in version order; a file that does not follow the pattern is an error. */
export async function loadMigrations(): Promise<Migration[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((file) => file.endsWith('.sql')).sort();
  return Promise.all(
    files.map(async (file) => {
      const match = /^(\d{4})-([a-z0-9-]+)\.sql$/.exec(file);
      if (match === null) throw new AppError('INTERNAL', `migration file name must be NNNN-name.sql: ${file}`);
      return { version: Number(match[1]), name: match[2] ?? file, sql: await readFile(new URL(file, MIGRATIONS_DIR), 'utf8') };
    }),
  );
}

/**
 * Applies the migrations the database has not seen, in one transaction (PostgreSQL DDL is
 * transactional, so a failed migration leaves the schema as it was), under an advisory
 * lock so that two servers starting at once do not both apply one. Refuses a database that a newer
 * server has already migrated past what this one knows.
 */
export async function migrate(db: Database, migrations?: Migration[]): Promise<number[]> {
  const all = migrations ?? (await loadMigrations());
  const known = all.at(-1)?.version ?? 0;
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.execScript(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const rows = await tx.query<{ version: unknown }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((row) => toNumber(row.version)));
    const newest = Math.max(0, ...applied);
    if (newest > known) {
      throw new AppError('LEDGER_NEWER_SCHEMA', `the database is at schema version ${newest}; this server knows up to ${known}`, {
        details: { databaseVersion: newest, knownVersion: known },
      });
    }
    const done: number[] = [];
    for (const migration of all) {
      if (applied.has(migration.version)) continue;
      await tx.execScript(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      done.push(migration.version);
    }
    return done;
  });
}
