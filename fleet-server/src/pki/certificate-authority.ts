import { readFile } from 'node:fs/promises';
import type { webcrypto } from 'node:crypto';
import { AppError } from '../../../shared/errors';
import { openPkcs11SigningKey, type Pkcs11KeyConfig } from './pkcs11-signing-key';
import { privateKeyFromPem, x509, type CryptoKey } from './x509';

/**
 * A CA the server signs with. The signing key is a WebCrypto key; a key in a PKCS#11 token comes with
 * `signingCrypto`, the WebCrypto whose `sign` goes to the token, so the certificate and CRL code is the
 * same for both.
 */
export interface CertificateAuthority {
  /** `fleet` signs the server's TLS certificate and station certificates; `device` signs device certificates. */
  readonly name: 'fleet' | 'device';
  readonly certificate: x509.X509Certificate;
  readonly signingKey: CryptoKey;
  /** The WebCrypto `signingKey` belongs to; Node's when absent. */
  readonly signingCrypto?: webcrypto.Crypto;
  /** Releases the key (a token session); absent for file keys. */
  close?(): Promise<void>;
}

/** Loads a CA whose key is a PKCS#8 PEM file (the development setup). */
export async function loadFileCertificateAuthority(
  name: CertificateAuthority['name'],
  paths: { certificate: string; key: string },
): Promise<CertificateAuthority> {
  const [certificatePem, keyPem] = await Promise.all([readFile(paths.certificate, 'utf8'), readFile(paths.key, 'utf8')]);
  return { name, certificate: new x509.X509Certificate(certificatePem), signingKey: await privateKeyFromPem(keyPem) };
}

/** A CA whose key is in a PKCS#11 token, with its certificate in a PEM file. */
export interface Pkcs11CaConfig extends Pkcs11KeyConfig {
  certificatePath: string;
}

/**
 * Loads a CA whose private key stays in a PKCS#11 token (see pkcs11-signing-key.ts). The certificate
 * must carry the token key's public key, so a wrong label or certificate fails at start, not at the
 * first enrollment.
 */
export async function loadPkcs11CertificateAuthority(name: CertificateAuthority['name'], config: Pkcs11CaConfig): Promise<CertificateAuthority> {
  let certificate: x509.X509Certificate;
  try {
    certificate = new x509.X509Certificate(await readFile(config.certificatePath, 'utf8'));
  } catch (error: unknown) {
    throw new AppError('INVALID_INPUT', `the ${name} CA certificate ${config.certificatePath} cannot be read as a PEM certificate`, { cause: error, details: { path: config.certificatePath } });
  }
  const key = await openPkcs11SigningKey(config);
  if (!Buffer.from(certificate.publicKey.rawData).equals(key.publicKeySpki)) {
    await key.close();
    throw new AppError('PKCS11_UNAVAILABLE', `the ${name} CA certificate ${config.certificatePath} is not for the key ${key.uri}`, {
      details: { path: config.certificatePath, subject: certificate.subject },
    });
  }
  return { name, certificate, signingKey: key.signingKey, signingCrypto: key.signingCrypto, close: () => key.close() };
}
