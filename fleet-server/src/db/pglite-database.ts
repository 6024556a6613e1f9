import { PGlite } from '@electric-sql/pglite';
import { assertSafeSchemaName, type Database, type SqlExecutor, type SqlParam } from './database';

interface PGliteLike {
  query<Row>(sql: string, params?: unknown[]): Promise<{ rows: Row[] }>;
  exec(sql: string): Promise<unknown>;
}

function executorOf(target: PGliteLike): SqlExecutor {
  return {
    async query<Row extends object>(sql: string, params: readonly SqlParam[] = []) {
      const result = await target.query<Row>(sql, [...params]);
      return result.rows;
    },
    async execScript(sql: string) {
      await target.exec(sql);
    },
  };
}

/**
 * Embedded PostgreSQL (WASM). `dataDir` undefined keeps everything in memory (tests); PGlite is a
 * single connection, so its own mutex already serialises transactions.
 */
export async function openPgliteDatabase(options: { dataDir?: string; schema?: string }): Promise<Database> {
  const db = options.dataDir === undefined ? new PGlite() : new PGlite(options.dataDir);
  await db.waitReady;
  if (options.schema !== undefined) {
    const schema = assertSafeSchemaName(options.schema);
    await db.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}; SET search_path TO ${schema}`);
  }
  return {
    kind: 'pglite',
    ...executorOf(db),
    transaction: (work) => db.transaction((tx) => work(executorOf(tx))),
    close: () => db.close(),
  };
}
