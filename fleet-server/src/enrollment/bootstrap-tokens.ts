import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../../../shared/errors';
import { toIso, type SqlExecutor } from '../db/database';

const TOKEN_PREFIX = 'flbt_';

function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export interface CreatedBootstrapToken {
  /** Shown once; only its SHA-256 is stored. */
  token: string;
  expiresAt: string;
  stationId: string | null;
}

/**
 * Creates a one-time enrollment token. 32 random bytes make guessing hopeless, which is also why a
 * plain (unsalted) SHA-256 is enough to keep it unusable at rest.
 */
export async function createBootstrapToken(
  db: SqlExecutor,
  options: { ttlMinutes: number; stationId?: string | undefined; note?: string | undefined },
): Promise<CreatedBootstrapToken> {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const rows = await db.query<{ expires_at: unknown }>(
    `INSERT INTO bootstrap_tokens (token_hash, station_id, note, expires_at)
     VALUES ($1, $2, $3, now() + make_interval(mins => $4)) RETURNING expires_at`,
    [hashToken(token), options.stationId ?? null, options.note ?? null, options.ttlMinutes],
  );
  return { token, expiresAt: toIso(rows[0]?.expires_at), stationId: options.stationId ?? null };
}

/**
 * Uses up a token for `stationId` inside the caller's transaction: if enrollment fails later, the
 * rollback gives the token back. The single UPDATE makes two concurrent uses impossible.
 */
export async function consumeBootstrapToken(tx: SqlExecutor, token: string, stationId: string): Promise<{ isPinned: boolean }> {
  const tokenHash = hashToken(token);
  const used = await tx.query<{ station_id: string | null }>(
    `UPDATE bootstrap_tokens SET used_at = now(), used_by_station = $2
     WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING station_id`,
    [tokenHash, stationId],
  );
  const row = used[0];
  if (row === undefined) {
    const found = await tx.query<{ used_at: unknown }>('SELECT used_at FROM bootstrap_tokens WHERE token_hash = $1', [tokenHash]);
    const reason = found[0] === undefined ? 'unknown' : found[0].used_at === null ? 'expired' : 'already-used';
    throw new AppError('BOOTSTRAP_TOKEN_INVALID', `the bootstrap token is ${reason.replace('-', ' ')}`, { details: { reason } });
  }
  if (row.station_id !== null && row.station_id !== stationId) {
    throw new AppError('BOOTSTRAP_TOKEN_INVALID', `the bootstrap token is for station ${row.station_id}, not ${stationId}`, {
      details: { reason: 'other-station' },
    });
  }
  return { isPinned: row.station_id !== null };
}
