import { afterEach, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../tests/helpers/test-database';
import { loadMigrations, migrate } from './migrate';

let opened: Awaited<ReturnType<typeof openTestDatabase>> | undefined;
afterEach(async () => {
  await opened?.close();
  opened = undefined;
});

async function tableExists(name: string): Promise<boolean> {
  const rows = await opened!.db.query<{ name: string | null }>('SELECT to_regclass($1)::text AS name', [name]);
  return rows[0]?.name !== null;
}

describe('migrations', () => {
  it('apply once, on PostgreSQL when DATABASE_URL is set and on PGlite otherwise, and refuse a newer schema', async () => {
    opened = await openTestDatabase();
    expect(opened.db.kind).toBe(process.env['DATABASE_URL'] === undefined ? 'pglite' : 'postgres');
    const all = await loadMigrations();
    expect(all.map((migration) => migration.version)).toEqual(all.map((_, index) => index + 1));
    expect(await migrate(opened.db)).toEqual(all.map((migration) => migration.version));
    expect(await migrate(opened.db)).toEqual([]);
    expect(await tableExists('events')).toBe(true);
    // A database migrated by a newer server is left alone.
    await opened.db.query("INSERT INTO schema_migrations (version, name) VALUES (999, 'future')");
    await expect(migrate(opened.db)).rejects.toMatchObject({ code: 'LEDGER_NEWER_SCHEMA' });
  });

  it('leaves the schema as it was when a migration fails', async () => {
    opened = await openTestDatabase();
    const broken = [
      { version: 1, name: 'fine', sql: 'CREATE TABLE fine (id integer)' },
      { version: 2, name: 'broken', sql: 'CREATE TABLE broken (id no_such_type)' },
    ];
    await expect(migrate(opened.db, broken)).rejects.toThrow();
    expect(await tableExists('fine')).toBe(false);
  });
});
