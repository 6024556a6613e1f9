import { randomBytes } from 'node:crypto';
import type { Database } from '../../src/db/database';
import { openDatabase } from '../../src/db/open-database';
import { dropPostgresSchema } from '../../src/db/postgres-database';

/** An empty database for one test: PGlite in memory, or a fresh schema when DATABASE_URL is set. */
export async function openTestDatabase(): Promise<{ db: Database; close(): Promise<void> }> {
  const url = process.env['DATABASE_URL'];
  const schema = `fleet_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const db = await openDatabase({ dataDir: '', isInMemory: true, ...(url === undefined ? {} : { databaseUrl: url, schema }) });
  return {
    db,
    async close() {
      await db.close();
      if (url !== undefined) await dropPostgresSchema(url, schema);
    },
  };
}
