import type { webcrypto } from 'node:crypto';
import type { CertificateAuthority } from './certificate-authority';
import { randomSerial, SIGNING_ALGORITHM, x509, type CryptoKey, type CryptoKeyPair } from './x509';

export type CertificateProfile = 'ca' | 'server' | 'station' | 'device';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Validity per profile; a backdated notBefore absorbs clock skew between server and stations. */
export const VALIDITY_DAYS: Record<CertificateProfile, number> = { ca: 3650, server: 825, station: 365, device: 365 };

async function extensionsFor(profile: CertificateProfile, publicKey: x509.PublicKey | CryptoKey, issuer: CertificateAuthority | null, dnsNames: string[]) {
  const extensions: x509.Extension[] = [await x509.SubjectKeyIdentifierExtension.create(publicKey)];
  if (issuer !== null) extensions.push(await x509.AuthorityKeyIdentifierExtension.create(issuer.certificate));
  if (profile === 'ca') {
    extensions.push(new x509.BasicConstraintsExtension(true, 0, true));
    extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true));
    return extensions;
  }
  extensions.push(new x509.BasicConstraintsExtension(false, undefined, true));
  extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true));
  if (profile === 'server') {
    extensions.push(new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]));
    const names = dnsNames.map((value) => ({ type: /^[\d.:]+$/.test(value) ? ('ip' as const) : ('dns' as const), value }));
    extensions.push(new x509.SubjectAlternativeNameExtension(names));
  } else {
    extensions.push(new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]));
  }
  return extensions;
}

export interface IssueRequest {
  profile: CertificateProfile;
  /** Distinguished name, e.g. `CN=station-7`. */
  subject: string;
  /** The subject's key: from a CSR (x509.PublicKey) or freshly generated (CryptoKey). */
  publicKey: x509.PublicKey | CryptoKey;
  /** Null for a self-signed CA, which then needs `selfSignKeys`. */
  issuer: CertificateAuthority | null;
  selfSignKeys?: CryptoKeyPair;
  /** The WebCrypto `selfSignKeys.privateKey` belongs to (a token's); Node's when absent. */
  selfSignCrypto?: webcrypto.Crypto;
  /** Server certificates: the host names and IP addresses it answers on. */
  dnsNames?: string[];
  notAfter?: Date;
  notBefore?: Date;
}

export async function issueCertificate(request: IssueRequest): Promise<x509.X509Certificate> {
  const now = Date.now();
  const params = {
    serialNumber: randomSerial(),
    subject: request.subject,
    notBefore: request.notBefore ?? new Date(now - 5 * 60 * 1000),
    notAfter: request.notAfter ?? new Date(now + VALIDITY_DAYS[request.profile] * DAY_MS),
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: await extensionsFor(request.profile, request.publicKey, request.issuer, request.dnsNames ?? []),
  };
  if (request.issuer === null) {
    if (request.selfSignKeys === undefined) throw new TypeError('a self-signed certificate needs its key pair');
    return x509.X509CertificateGenerator.createSelfSigned({ ...params, name: request.subject, keys: request.selfSignKeys }, request.selfSignCrypto);
  }
  return x509.X509CertificateGenerator.create({
    ...params,
    issuer: request.issuer.certificate.subjectName,
    publicKey: request.publicKey,
    signingKey: request.issuer.signingKey,
  }, request.issuer.signingCrypto);
}
