import { AppError } from '../../../shared/errors';
import { x509 } from './x509';

/** A CSR larger than this is not an ECDSA or RSA request; refuse it before parsing. */
const MAX_CSR_BYTES = 16 * 1024;

/**
 * Reads a PKCS#10 request given as PEM or as base64 DER (RFC 7030 §4.2.1 sends base64 with or
 * without line breaks; RFC 8951 says to accept both), and checks its self-signature, which is the
 * requester's proof that it holds the private key (quality.md, "Enrollment").
 */
export async function readCertificateRequest(text: string): Promise<x509.Pkcs10CertificateRequest> {
  if (text.length > MAX_CSR_BYTES * 2) {
    throw new AppError('CSR_INVALID', 'the certificate request is too large', { details: { maxBytes: MAX_CSR_BYTES } });
  }
  let request: x509.Pkcs10CertificateRequest;
  try {
    const trimmed = text.trim();
    const der = trimmed.startsWith('-----BEGIN')
      ? x509.PemConverter.decodeFirst(trimmed)
      : decodeBase64Strict(trimmed.replace(/\s+/g, ''));
    request = new x509.Pkcs10CertificateRequest(der);
  } catch (error: unknown) {
    if (error instanceof AppError) throw error;
    throw new AppError('CSR_INVALID', 'the body is not a PKCS#10 certificate request (PEM or base64 DER)', { cause: error });
  }
  let isSigned: boolean;
  try {
    isSigned = await request.verify();
  } catch (error: unknown) {
    throw new AppError('CSR_INVALID', 'the certificate request uses an unsupported key or signature algorithm', { cause: error });
  }
  if (!isSigned) throw new AppError('CSR_INVALID', 'the certificate request signature does not verify: no proof of possession of the key');
  return request;
}

function decodeBase64Strict(text: string): ArrayBuffer {
  if (text === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) throw new AppError('CSR_INVALID', 'the body is not base64');
  const bytes = Buffer.from(text, 'base64');
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}

/** The single CN of a request's subject, or an error naming what is wrong with it. */
export function commonNameOf(request: x509.Pkcs10CertificateRequest): string {
  const names = request.subjectName.getField('CN');
  const name = names[0];
  if (names.length !== 1 || name === undefined) {
    throw new AppError('CSR_INVALID', 'the certificate request subject must have exactly one CN', { details: { subject: request.subject } });
  }
  return name;
}
