import { z } from 'zod';
import { AppError } from '../../../shared/errors';
import { listCatalogItems } from '../catalog/catalog-store';
import type { Database } from '../db/database';
import { findCertificate, recordCertificate } from '../pki/certificate-store';
import { normalizeSerial, x509 } from '../pki/x509';

export const offlineRegistrationSchema = z
  .object({ certificates: z.array(z.string().min(1).max(16 * 1024)).min(1).max(100) })
  .strict();

export const offlineRegistrationResultSchema = z.object({
  registered: z.number().int(),
  /** Certificates the server already held with identical content (a resend). */
  duplicates: z.number().int(),
  serials: z.array(z.string()),
});
export type OfflineRegistrationResult = z.infer<typeof offlineRegistrationResultSchema>;

/** Trust anchors with this purpose are the offline CAs whose device certificates the server accepts. */
export const OFFLINE_DEVICE_CA_PURPOSE = 'offline-device-ca';

function invalid(index: number, message: string, cause?: unknown): AppError {
  return new AppError('CERTIFICATE_INVALID', `certificate ${index}: ${message}`, { details: { index }, ...(cause === undefined ? {} : { cause }) });
}

async function verifyOne(pem: string, index: number, issuers: x509.X509Certificate[], nowMs: number): Promise<x509.X509Certificate> {
  let certificate: x509.X509Certificate;
  try {
    certificate = new x509.X509Certificate(pem);
  } catch (error: unknown) {
    throw invalid(index, 'not a PEM certificate', error);
  }
  if (certificate.getExtension(x509.BasicConstraintsExtension)?.ca === true) throw invalid(index, 'a CA certificate is not a device certificate');
  if (certificate.notAfter.getTime() <= nowMs) throw invalid(index, `expired at ${certificate.notAfter.toISOString()}`);
  for (const issuer of issuers) {
    if (issuer.subject !== certificate.issuer) continue;
    if (await certificate.verify({ publicKey: issuer.publicKey, signatureOnly: true })) return certificate;
  }
  throw invalid(index, `not signed by the device CA or a registered offline device CA (issuer ${certificate.issuer})`);
}

/**
 * Records device certificates a station issued while offline with its own CA (quality.md: "the
 * issuance reported at sync"). All or nothing, idempotent by serial: a resend is counted as
 * duplicates; a serial the server holds with different content is a conflict.
 */
export async function registerOfflineCertificates(
  db: Database,
  deviceCa: x509.X509Certificate,
  input: { stationId: string; certificates: string[]; nowMs: number },
): Promise<OfflineRegistrationResult> {
  const anchors = (await listCatalogItems(db)).filter(
    (item) => item.kind === 'trust-anchor' && (item.body as { purpose?: unknown }).purpose === OFFLINE_DEVICE_CA_PURPOSE,
  );
  const issuers = [deviceCa, ...anchors.map((item) => new x509.X509Certificate((item.body as { pem: string }).pem))];
  const verified: x509.X509Certificate[] = [];
  for (const [index, pem] of input.certificates.entries()) verified.push(await verifyOne(pem, index, issuers, input.nowMs));
  return db.transaction(async (tx) => {
    const result: OfflineRegistrationResult = { registered: 0, duplicates: 0, serials: [] };
    for (const [index, certificate] of verified.entries()) {
      const serial = normalizeSerial(certificate.serialNumber);
      result.serials.push(serial);
      const deviceId = certificate.subjectName.getField('CN')[0] ?? null;
      if (await recordCertificate(tx, certificate, { kind: 'device', source: 'offline', stationId: input.stationId, deviceId })) {
        result.registered += 1;
        continue;
      }
      const existing = await tx.query<{ pem: string }>('SELECT pem FROM certificates WHERE serial = $1', [serial]);
      if (existing[0]?.pem !== certificate.toString('pem')) {
        throw new AppError('IDEMPOTENCY_CONFLICT', `certificate ${index}: serial ${serial} is already registered for a different certificate`, {
          details: { index, serial, existing: (await findCertificate(tx, serial))?.subject ?? null },
        });
      }
      result.duplicates += 1;
    }
    return result;
  });
}
