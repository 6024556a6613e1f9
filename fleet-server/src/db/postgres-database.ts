import pg from 'pg';
import { assertSafeSchemaName, type Database, type SqlExecutor, type SqlParam } from './database';

interface PgQueryable {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

function executorOf(target: PgQueryable): SqlExecutor {
  return {
    async query<Row extends object>(sql: string, params: readonly SqlParam[] = []) {
      const result = await target.query(sql, [...params]);
      return result.rows as Row[];
    },
    async execScript(sql: string) {
      // Without parameters pg uses the simple query protocol, which accepts several statements.
      await target.query(sql);
    },
  };
}

/** A PostgreSQL pool for `DATABASE_URL`. `schema` isolates a test run (created if missing). */
export async function openPostgresDatabase(options: {
  url: string;
  schema?: string;
  maxConnections?: number;
  onConnectionError?: (error: Error) => void;
}): Promise<Database> {
  const schema = options.schema === undefined ? undefined : assertSafeSchemaName(options.schema);
  if (schema !== undefined) {
    const admin = new pg.Client({ connectionString: options.url });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  // An idle client that loses its connection emits 'error' on the pool; without a listener that
  // would crash the process. The pool drops that client and the next query gets a fresh one.
  pool.on('error', (error) => options.onConnectionError?.(error));
  return {
    kind: 'postgres',
    ...executorOf(pool),
    async transaction(work) {
      const client = await pool.connect();
      let brokenConnection: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await work(executorOf(client));
        await client.query('COMMIT');
        return result;
      } catch (error: unknown) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError: unknown) {
          // The connection is unusable; releasing it with an error makes the pool discard it. The
          // caller still gets the original error, which is the one that explains the failure.
          brokenConnection = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        }
        throw error;
      } finally {
        client.release(brokenConnection);
      }
    },
    close: () => pool.end(),
  };
}

/** Drops a test schema and everything in it. */
export async function dropPostgresSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${assertSafeSchemaName(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}
