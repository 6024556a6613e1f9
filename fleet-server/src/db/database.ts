/**
 * The storage port of the fleet server. Two adapters implement it: embedded PGlite (the zero-setup
 * default) and a PostgreSQL pool (`DATABASE_URL`). Both run the same SQL, so nothing above this
 * interface knows which one it talks to.
 *
 * Parameters are scalars only: JSON goes in as text with a `::jsonb` cast, because `pg` would turn a
 * JS array into a PostgreSQL array literal while PGlite would turn it into JSON.
 */
export type SqlParam = string | number | boolean | null;

export interface SqlExecutor {
  /** Runs one parameterised statement ($1, $2…) and returns its rows. */
  query<Row extends object>(sql: string, params?: readonly SqlParam[]): Promise<Row[]>;
  /** Runs a script of several statements without parameters (migrations). */
  execScript(sql: string): Promise<void>;
}

export interface Database extends SqlExecutor {
  readonly kind: 'pglite' | 'postgres';
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it throws, so a
   * failed request leaves nothing behind.
   */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** int8 and numeric columns come back as strings from `pg` and as numbers from PGlite. */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && value !== '') return Number(value);
  throw new TypeError(`expected a numeric column, got ${typeof value}`);
}

/** Timestamps come back as Date from both drivers; the API speaks ISO 8601. */
export function toIso(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return new Date(value).toISOString();
  throw new TypeError(`expected a timestamp column, got ${typeof value}`);
}

/** Schema names are interpolated into SQL (they cannot be parameters), so only plain names pass. */
export function assertSafeSchemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new TypeError(`unsafe schema name: ${schema}`);
  return schema;
}
