import type { SqlExecutor } from '../db/database';
import type { CertificateAuthority } from './certificate-authority';
import { listRevoked } from './certificate-store';
import { SIGNING_ALGORITHM, x509 } from './x509';

const CRL_VALIDITY_MS = 24 * 60 * 60 * 1000;

/**
 * A CRL signed by `ca`, listing the revoked certificates it issued. It is signed on request: ECDSA
 * signing is cheap, and a fresh thisUpdate/nextUpdate tells relying parties how current it is.
 * Certificates that stations issued offline with their own CA are not in here (the server does not
 * hold those keys); they are listed in the catalog's revocations.
 */
export async function createRevocationList(db: SqlExecutor, ca: CertificateAuthority, nowMs: number): Promise<x509.X509Crl> {
  const issuer = ca.certificate.subject;
  const revoked = (await listRevoked(db)).filter((record) => record.issuer === issuer);
  return x509.X509CrlGenerator.create({
    issuer: ca.certificate.subjectName,
    thisUpdate: new Date(nowMs),
    nextUpdate: new Date(nowMs + CRL_VALIDITY_MS),
    signingAlgorithm: SIGNING_ALGORITHM,
    signingKey: ca.signingKey,
    extensions: [await x509.AuthorityKeyIdentifierExtension.create(ca.certificate)],
    entries: revoked.map((record) => ({
      serialNumber: record.serial.length % 2 === 0 ? record.serial : `0${record.serial}`,
      revocationDate: new Date(record.revokedAt ?? nowMs),
      reason: record.revocationReason ?? 0,
    })),
  }, ca.signingCrypto);
}
