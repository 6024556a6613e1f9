import { AppError } from '../../../shared/errors';
import { parseCertificate } from './certificate-facts';
import { CLOCK_SKEW_MS } from './issued-chain';
import { readNameConstraints } from './name-constraints';
import { x509 } from './x509';

const DAY_MS = 24 * 60 * 60 * 1000;
const P256_SPKI_PREFIX = '3059301306072a8648ce3d020106082a8648ce3d030107034200';

/** What makes an offline CA acceptable: short-lived, and constrained to the names it may certify. */
export interface OfflineCaPolicy {
  /** Longest lifetime of the CA certificate itself; a lost laptop's CA must die soon. */
  maxValidityDays: number;
}

export const DEFAULT_OFFLINE_CA_POLICY: OfflineCaPolicy = { maxValidityDays: 90 };

function unusable(message: string): AppError {
  return new AppError('OFFLINE_CA_UNUSABLE', message);
}

/**
 * Checks the station's offline CA chain (its CA first, then up to a self-signed root) before it may
 * sign: the CA is a subordinate (not self-signed), a CA that may sign certificates but no further CAs
 * (critical basic constraints, path length 0, key usage keyCertSign), P-256, with critical name
 * constraints that permit at least one directory-name subtree, valid now and for at most
 * `maxValidityDays` in all; every certificate is signed by the next, and the chain ends in a root.
 */
export async function checkOfflineCaCertificate(
  caChain: readonly Uint8Array[],
  nowMs: number,
  policy: Partial<OfflineCaPolicy> = {},
): Promise<void> {
  const { maxValidityDays } = { ...DEFAULT_OFFLINE_CA_POLICY, ...policy };
  const chain = caChain.map((der, index) =>
    parseCertificate(
      der,
      'OFFLINE_CA_UNUSABLE',
      index === 0 ? 'the offline CA certificate' : `offline CA chain entry ${index + 1}`,
    ),
  );
  const ca = chain[0];
  if (ca === undefined) throw unusable('no offline CA certificate is configured');
  const name = `the offline CA "${ca.subject}"`;
  if (ca.subject === ca.issuer)
    throw unusable(`${name} is self-signed; it must be a subordinate CA issued by the fleet's offline root`);
  const constraints = ca.getExtension(x509.BasicConstraintsExtension);
  if (constraints?.ca !== true || !constraints.critical)
    throw unusable(`${name} is not a CA certificate (critical basic constraints, CA true)`);
  if (constraints.pathLength !== 0)
    throw unusable(`${name} must have path length 0: it signs device certificates, never further CAs`);
  const usage = ca.getExtension(x509.KeyUsagesExtension);
  if (usage === null || (usage.usages & x509.KeyUsageFlags.keyCertSign) === 0)
    throw unusable(`${name} lacks the keyCertSign key usage`);
  if (!Buffer.from(ca.publicKey.rawData).toString('hex').startsWith(P256_SPKI_PREFIX))
    throw unusable(`${name} does not have a P-256 key`);
  const names = readNameConstraints(ca);
  if (names === undefined || !names.isCritical || names.permitted.length === 0) {
    throw unusable(
      `${name} has no critical name constraints permitting a directory name; an offline CA must be limited to the names it may certify`,
    );
  }
  const lifetimeDays = (ca.notAfter.getTime() - ca.notBefore.getTime()) / DAY_MS;
  if (Math.floor(lifetimeDays) > maxValidityDays) {
    throw unusable(
      `${name} is valid for ${Math.round(lifetimeDays)} days; an offline CA may live at most ${maxValidityDays} days`,
    );
  }
  for (const certificate of chain) {
    if (certificate.notBefore.getTime() > nowMs + CLOCK_SKEW_MS)
      throw unusable(`"${certificate.subject}" is not valid before ${certificate.notBefore.toISOString()}`);
    if (certificate.notAfter.getTime() <= nowMs)
      throw unusable(`"${certificate.subject}" expired at ${certificate.notAfter.toISOString()}`);
  }
  for (let index = 0; index < chain.length; index += 1) {
    const certificate = chain[index]!;
    const issuer = chain[index + 1] ?? certificate;
    const isLast = index === chain.length - 1;
    if (isLast && certificate.subject !== certificate.issuer) {
      throw unusable(
        `the offline CA chain ends in "${certificate.subject}", which is not a root; add the certificates up to the root`,
      );
    }
    const isSigned = await certificate
      .verify({ publicKey: issuer.publicKey, signatureOnly: true })
      .catch(() => false);
    if (certificate.issuer !== issuer.subject || !isSigned) {
      throw unusable(`"${certificate.subject}" is not signed by "${issuer.subject}" in the offline CA chain`);
    }
  }
}
