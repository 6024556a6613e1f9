import { AppError } from '../../../shared/errors';
import { MAX_CERTIFICATE_CHAIN_LENGTH } from '../drivers/smp/identity-commands';
import type { IssuerAnswer } from '../ports/certificate-issuer';
import type { CertificateProfile } from './certificate-profile';
import { certificateFacts, parseCertificate, type CertificateFacts } from './certificate-facts';
import type { CheckedCsr } from './csr-check';
import { bytesEqual, sha256Hex } from './der-bytes';
import { x509 } from './x509';

/** Clocks of station, device and CA disagree by minutes; a certificate valid from "now + this" is fine. */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;

/** A checked chain, leaf first, ending in a self-signed root: what is installed on the device. */
export interface IssuedChain {
  chain: Uint8Array[];
  leaf: CertificateFacts;
  root: CertificateFacts;
}

function refuse(message: string, details?: Record<string, unknown>): AppError {
  return new AppError('ISSUED_CERTIFICATE_INVALID', message, details === undefined ? {} : { details });
}

/**
 * Finds the certificate an issuer made for the CSR and builds its chain from what the issuer answered,
 * before anything reaches the device: the leaf must carry the CSR's public key (not another key), keep
 * the subject the profile requires, not be a CA, be valid now, and allow digital signatures; each
 * certificate must be signed by the next, a CA, valid now, up to a self-signed root (one of the
 * profile's roots, when it names some), at most MAX_CERTIFICATE_CHAIN_LENGTH long.
 */
export async function assembleIssuedChain(
  answer: IssuerAnswer,
  csr: CheckedCsr,
  options: { profile: CertificateProfile; nowMs: number },
): Promise<IssuedChain> {
  const answered = answer.certificates.map((der, index) =>
    parseCertificate(der, 'ISSUED_CERTIFICATE_INVALID', `certificate ${index + 1} of the issuer's answer`),
  );
  const authorities = answer.caCertificates.map((der, index) =>
    parseCertificate(der, 'ISSUED_CERTIFICATE_INVALID', `CA certificate ${index + 1} of the issuer`),
  );
  const leaf = answered.find((certificate) => bytesEqual(certificate.publicKey.rawData, csr.publicKeySpki));
  if (leaf === undefined) {
    throw refuse(
      `the issuer answered with a certificate for another key (public key SHA-256 ${answered.map((c) => sha256Hex(c.publicKey.rawData).slice(0, 16)).join(', ') || 'none'}…; the CSR's is ${csr.publicKeySha256.slice(0, 16)}…)`,
      { csrPublicKeySha256: csr.publicKeySha256 },
    );
  }
  checkLeaf(leaf, csr, options);
  const pool = [...answered.filter((certificate) => certificate !== leaf), ...authorities];
  const chain = [leaf];
  let current = leaf;
  while (!(await isSelfSigned(current))) {
    if (chain.length >= MAX_CERTIFICATE_CHAIN_LENGTH) {
      throw refuse(
        `the chain is longer than the ${MAX_CERTIFICATE_CHAIN_LENGTH} certificates a device stores`,
      );
    }
    const issuer = await findIssuer(current, pool);
    if (issuer === undefined) {
      throw refuse(
        `the chain cannot be completed: no CA certificate of the issuer named "${current.issuer}" signed "${current.subject}"`,
        {
          issuer: current.issuer,
        },
      );
    }
    checkAuthority(issuer, options.nowMs);
    chain.push(issuer);
    current = issuer;
  }
  const root = certificateFacts(current);
  const trusted = options.profile.trustedRootSha256;
  if (trusted.length > 0 && !trusted.includes(root.fingerprintSha256)) {
    throw refuse(
      `the chain ends in "${root.subject}" (SHA-256 ${root.fingerprintSha256}), which is not one of the profile's trusted roots`,
      {
        rootSha256: root.fingerprintSha256,
      },
    );
  }
  return {
    chain: chain.map((certificate) => new Uint8Array(certificate.rawData)),
    leaf: certificateFacts(leaf),
    root,
  };
}

function checkLeaf(
  leaf: x509.X509Certificate,
  csr: CheckedCsr,
  options: { profile: CertificateProfile; nowMs: number },
): void {
  if (leaf.getExtension(x509.BasicConstraintsExtension)?.ca === true) {
    throw refuse(
      'the issuer answered with a CA certificate for the device key; a device certificate must not be a CA',
    );
  }
  const commonNames = leaf.subjectName.getField('CN');
  if (options.profile.issuedSubject === 'exact') {
    if (JSON.stringify(leaf.subjectName.toJSON()) !== JSON.stringify(new x509.Name(csr.subject).toJSON())) {
      throw refuse(`the certificate names "${leaf.subject}"; the CSR asked for "${csr.subject}"`, {
        subject: leaf.subject,
      });
    }
  } else if (commonNames.length !== 1 || commonNames[0] !== csr.commonName) {
    throw refuse(`the certificate names "${leaf.subject}"; the CSR's common name is "${csr.commonName}"`, {
      subject: leaf.subject,
    });
  }
  checkValidity(leaf, options.nowMs, 'the device certificate');
  const usage = leaf.getExtension(x509.KeyUsagesExtension);
  if (usage !== null && (usage.usages & x509.KeyUsageFlags.digitalSignature) === 0) {
    throw refuse('the device certificate does not allow digital signatures (key usage)');
  }
}

function checkAuthority(authority: x509.X509Certificate, nowMs: number): void {
  if (authority.getExtension(x509.BasicConstraintsExtension)?.ca !== true) {
    throw refuse(`"${authority.subject}" signs the chain but is not a CA certificate`);
  }
  checkValidity(authority, nowMs, `the CA certificate "${authority.subject}"`);
}

function checkValidity(certificate: x509.X509Certificate, nowMs: number, what: string): void {
  if (certificate.notBefore.getTime() > nowMs + CLOCK_SKEW_MS) {
    throw refuse(
      `${what} is not valid before ${certificate.notBefore.toISOString()}; check the station and CA clocks`,
    );
  }
  if (certificate.notAfter.getTime() <= nowMs) {
    throw refuse(`${what} expired at ${certificate.notAfter.toISOString()}`);
  }
}

async function isSignedBy(certificate: x509.X509Certificate, issuer: x509.X509Certificate): Promise<boolean> {
  try {
    return await certificate.verify({ publicKey: issuer.publicKey, signatureOnly: true });
  } catch {
    return false;
  }
}

async function isSelfSigned(certificate: x509.X509Certificate): Promise<boolean> {
  return certificate.subject === certificate.issuer && (await isSignedBy(certificate, certificate));
}

async function findIssuer(
  certificate: x509.X509Certificate,
  pool: readonly x509.X509Certificate[],
): Promise<x509.X509Certificate | undefined> {
  for (const candidate of pool) {
    if (candidate.subject !== certificate.issuer || candidate === certificate) continue;
    if (await isSignedBy(certificate, candidate)) return candidate;
  }
  return undefined;
}
