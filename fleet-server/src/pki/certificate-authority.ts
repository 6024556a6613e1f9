import { readFile } from 'node:fs/promises';
import { privateKeyFromPem, x509, type CryptoKey } from './x509';

/**
 * A CA the server signs with. The signing key is a WebCrypto key, which is also what a PKCS#11
 * token exposes through a PKCS#11 WebCrypto provider, so an HSM-backed CA only needs another
 * loader; the certificate and CRL code stays the same.
 */
export interface CertificateAuthority {
  /** `fleet` signs the server's TLS certificate and station certificates; `device` signs device certificates. */
  readonly name: 'fleet' | 'device';
  readonly certificate: x509.X509Certificate;
  readonly signingKey: CryptoKey;
}

/** Loads a CA whose key is a PKCS#8 PEM file (the development setup). */
export async function loadFileCertificateAuthority(
  name: CertificateAuthority['name'],
  paths: { certificate: string; key: string },
): Promise<CertificateAuthority> {
  const [certificatePem, keyPem] = await Promise.all([readFile(paths.certificate, 'utf8'), readFile(paths.key, 'utf8')]);
  return { name, certificate: new x509.X509Certificate(certificatePem), signingKey: await privateKeyFromPem(keyPem) };
}
