import { AppError } from '../../../shared/errors';
import type { Database } from '../db/database';
import type { StationEnrollment } from '../http/api-schemas';
import { stationIdSchema } from '../ingest/batch-schema';
import { ensureStation } from '../ingest/station-events';
import type { CertificateAuthority } from '../pki/certificate-authority';
import { commonNameOf, readCertificateRequest } from '../pki/certificate-request';
import { recordCertificate } from '../pki/certificate-store';
import { issueCertificate } from '../pki/issue-certificate';
import { consumeBootstrapToken } from './bootstrap-tokens';


/**
 * Turns a bootstrap token and a CSR into a station certificate. The station id is the CSR's CN.
 * A station id that is already enrolled needs a token made for that id (`--station-id`), so a
 * stray token cannot take over another station's identity; its chain on the server is kept.
 */
export async function enrollStation(db: Database, fleetCa: CertificateAuthority, input: { token: string; csr: string }): Promise<StationEnrollment> {
  const request = await readCertificateRequest(input.csr);
  const parsedId = stationIdSchema.safeParse(commonNameOf(request));
  if (!parsedId.success) {
    throw new AppError('CSR_INVALID', `the CSR's CN is not a valid station id: ${parsedId.error.issues[0]?.message ?? ''}`);
  }
  const stationId = parsedId.data;
  return db.transaction(async (tx) => {
    const { isPinned } = await consumeBootstrapToken(tx, input.token, stationId);
    const existing = await tx.query('SELECT 1 FROM stations WHERE station_id = $1 FOR UPDATE', [stationId]);
    if (existing.length > 0 && !isPinned) {
      throw new AppError('ALREADY_EXISTS', `station ${stationId} is already enrolled; re-enrolling it needs a token created with --station-id ${stationId}`, {
        details: { stationId },
      });
    }
    await ensureStation(tx, stationId);
    const certificate = await issueCertificate({ profile: 'station', subject: `CN=${stationId}`, publicKey: request.publicKey, issuer: fleetCa });
    await recordCertificate(tx, certificate, { kind: 'station', source: 'enrollment', stationId });
    return {
      stationId,
      certificate: certificate.toString('pem'),
      serialNumber: certificate.serialNumber,
      notAfter: certificate.notAfter.toISOString(),
      caCertificates: [fleetCa.certificate.toString('pem')],
    };
  });
}
