import { AppError } from '../../../shared/errors';
import { x509 } from '../pki/x509';

/** RFC 7030 §4.1.3 / §4.2.3: responses are certs-only PKCS#7 (CMS SignedData), base64. */
export const PKCS7_CERTS_ONLY = 'application/pkcs7-mime; smime-type=certs-only';

/** Base64 with line breaks every 64 characters, as RFC 7030 examples (and openssl) produce it. */
export function encodeCertsOnly(certificates: x509.X509Certificate[]): string {
  const base64 = new x509.X509Certificates(certificates).export('base64');
  return `${base64.replace(/(.{64})/g, '$1\r\n').replace(/\r\n$/, '')}\r\n`;
}

/** Decodes a certs-only response (for tests and for the station-side client later). */
export function decodeCertsOnly(text: string): x509.X509Certificate[] {
  try {
    return [...new x509.X509Certificates(Buffer.from(text.replace(/\s+/g, ''), 'base64'))];
  } catch (error: unknown) {
    throw new AppError('INVALID_INPUT', 'not a base64 PKCS#7 certs-only structure', { cause: error });
  }
}
