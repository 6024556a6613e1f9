import { join } from 'node:path';
import type { Database } from './database';
import { openPgliteDatabase } from './pglite-database';
import { openPostgresDatabase } from './postgres-database';

export interface DatabaseConfig {
  /** PostgreSQL connection string; when absent the server uses embedded PGlite. */
  databaseUrl?: string;
  /** PGlite keeps its files in `<dataDir>/pglite`. */
  dataDir: string;
  /** Keep PGlite in memory instead (tests). */
  isInMemory?: boolean;
  /** Optional schema to work in (each test run uses its own). */
  schema?: string;
  onConnectionError?: (error: Error) => void;
}

export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  const schema = config.schema === undefined ? {} : { schema: config.schema };
  if (config.databaseUrl !== undefined && config.databaseUrl !== '') {
    return openPostgresDatabase({
      url: config.databaseUrl,
      ...schema,
      ...(config.onConnectionError === undefined ? {} : { onConnectionError: config.onConnectionError }),
    });
  }
  return openPgliteDatabase({ ...schema, ...(config.isInMemory === true ? {} : { dataDir: join(config.dataDir, 'pglite') }) });
}
