import { toIso, type SqlExecutor } from '../db/database';
import { normalizeSerial, type x509 } from './x509';

export type CertificateKind = 'station' | 'device';
export type CertificateSource = 'enrollment' | 'est' | 'offline';

export interface CertificateRecord {
  serial: string;
  kind: CertificateKind;
  source: CertificateSource;
  subject: string;
  issuer: string;
  stationId: string | null;
  deviceId: string | null;
  notBefore: string;
  notAfter: string;
  revokedAt: string | null;
  revocationReason: number | null;
}

interface CertificateRow {
  serial: string;
  kind: CertificateKind;
  source: CertificateSource;
  subject: string;
  issuer: string;
  station_id: string | null;
  device_id: string | null;
  not_before: unknown;
  not_after: unknown;
  revoked_at: unknown;
  revocation_reason: number | null;
}

function toRecord(row: CertificateRow): CertificateRecord {
  return {
    serial: row.serial,
    kind: row.kind,
    source: row.source,
    subject: row.subject,
    issuer: row.issuer,
    stationId: row.station_id,
    deviceId: row.device_id,
    notBefore: toIso(row.not_before),
    notAfter: toIso(row.not_after),
    revokedAt: row.revoked_at === null ? null : toIso(row.revoked_at),
    revocationReason: row.revocation_reason,
  };
}

/** Records a certificate; `false` when that serial was already recorded (a resent registration). */
export async function recordCertificate(
  db: SqlExecutor,
  certificate: x509.X509Certificate,
  meta: { kind: CertificateKind; source: CertificateSource; stationId?: string | null; deviceId?: string | null },
): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO certificates (serial, kind, source, subject, issuer, station_id, device_id, not_before, not_after, pem)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (serial) DO NOTHING RETURNING serial`,
    [
      normalizeSerial(certificate.serialNumber),
      meta.kind,
      meta.source,
      certificate.subject,
      certificate.issuer,
      meta.stationId ?? null,
      meta.deviceId ?? null,
      certificate.notBefore.toISOString(),
      certificate.notAfter.toISOString(),
      certificate.toString('pem'),
    ],
  );
  return rows.length === 1;
}

export async function findCertificate(db: SqlExecutor, serial: string): Promise<CertificateRecord | null> {
  const rows = await db.query<CertificateRow>('SELECT * FROM certificates WHERE serial = $1', [normalizeSerial(serial)]);
  return rows[0] === undefined ? null : toRecord(rows[0]);
}

/**
 * Marks a certificate revoked. Revoking twice keeps the first time and reason, so a station that
 * resends a revocation after a lost response changes nothing. Returns the record, or null if unknown.
 */
export async function revokeCertificate(db: SqlExecutor, serial: string, reason: number): Promise<{ record: CertificateRecord; isNew: boolean } | null> {
  const updated = await db.query<CertificateRow>(
    'UPDATE certificates SET revoked_at = now(), revocation_reason = $2 WHERE serial = $1 AND revoked_at IS NULL RETURNING *',
    [normalizeSerial(serial), reason],
  );
  if (updated[0] !== undefined) return { record: toRecord(updated[0]), isNew: true };
  const existing = await findCertificate(db, serial);
  return existing === null ? null : { record: existing, isNew: false };
}

/** Revoked certificates, newest revocation last, optionally of one kind. */
export async function listRevoked(db: SqlExecutor, kind?: CertificateKind): Promise<CertificateRecord[]> {
  const rows = await db.query<CertificateRow>(
    `SELECT * FROM certificates WHERE revoked_at IS NOT NULL AND ($1::text IS NULL OR kind = $1) ORDER BY revoked_at, serial`,
    [kind ?? null],
  );
  return rows.map(toRecord);
}

/** Revokes every active certificate of a station (the administrator's "revoke-station"). */
export async function revokeStationCertificates(db: SqlExecutor, stationId: string, reason: number): Promise<string[]> {
  const rows = await db.query<{ serial: string }>(
    `UPDATE certificates SET revoked_at = now(), revocation_reason = $2
     WHERE kind = 'station' AND station_id = $1 AND revoked_at IS NULL RETURNING serial`,
    [stationId, reason],
  );
  return rows.map((row) => row.serial);
}
