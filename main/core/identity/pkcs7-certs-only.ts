import {
  CertificateChoices,
  CertificateSet,
  ContentInfo,
  EncapsulatedContentInfo,
  SignedData,
  type EncapsulatedContent,
} from '@peculiar/asn1-cms';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { AppError } from '../../../shared/errors';
import { toArrayBuffer } from './der-bytes';
import { describeOid } from './oid-names';

const SIGNED_DATA = '1.2.840.113549.1.7.2';
const DATA = '1.2.840.113549.1.7.1';
/** An EST answer is a handful of certificates; these bound what a hostile server can make us parse. */
export const MAX_CERTS_ONLY_BYTES = 256 * 1024;
export const MAX_CERTS_ONLY_CERTIFICATES = 16;

function refuse(message: string, cause?: unknown): AppError {
  return new AppError(
    'EST_BAD_RESPONSE',
    `the certs-only answer ${message}`,
    cause === undefined ? {} : { cause },
  );
}

/**
 * Reads the base64 body of an EST answer (RFC 7030 §4.1.3, §4.2.3; RFC 8951: with or without line
 * breaks, and whatever Content-Transfer-Encoding says). A PEM `PKCS7` block is accepted too.
 * Anything that is not base64 is EST_BAD_RESPONSE.
 */
export function decodeCertsOnlyBase64(text: string): Uint8Array {
  const pem = /^-----BEGIN (?:PKCS7|CMS)-----([\s\S]*?)-----END (?:PKCS7|CMS)-----\s*$/.exec(text.trim());
  const compact = (pem?.[1] ?? text).replace(/\s+/g, '');
  if (compact.length === 0) throw refuse('is empty');
  if (compact.length > Math.ceil((MAX_CERTS_ONLY_BYTES * 4) / 3) + 4) {
    throw refuse(`is larger than ${MAX_CERTS_ONLY_BYTES} bytes`);
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 === 1) throw refuse('is not base64');
  return new Uint8Array(Buffer.from(compact, 'base64'));
}

/**
 * Parses a certs-only CMS SignedData (RFC 5652 §5; RFC 7030 uses it for every certificate answer):
 * content type signedData, encapsulated content type data with no content, no signers, and one or
 * more X.509 certificates (no attribute or other certificate formats). Returns each certificate's DER
 * in the order given. Any deviation is EST_BAD_RESPONSE naming it.
 */
export function parseCertsOnly(der: Uint8Array): Uint8Array[] {
  if (der.length === 0) throw refuse('is empty');
  if (der.length > MAX_CERTS_ONLY_BYTES)
    throw refuse(`is ${der.length} bytes; the limit is ${MAX_CERTS_ONLY_BYTES}`);
  let contentInfo: ContentInfo;
  let signedData: SignedData;
  try {
    contentInfo = AsnConvert.parse(toArrayBuffer(der), ContentInfo);
  } catch (error: unknown) {
    throw refuse('is not a CMS ContentInfo (PKCS#7, DER)', error);
  }
  if (contentInfo.contentType !== SIGNED_DATA) {
    throw refuse(`has content type ${describeOid(contentInfo.contentType)}, not signedData`);
  }
  try {
    signedData = AsnConvert.parse(contentInfo.content, SignedData);
  } catch (error: unknown) {
    throw refuse('holds a SignedData that does not parse', error);
  }
  if (signedData.signerInfos.length > 0) throw refuse('carries signers; a certs-only answer has none');
  const encapsulated = signedData.encapContentInfo;
  if (encapsulated.eContentType !== DATA || !isEmptyContent(encapsulated.eContent)) {
    throw refuse('encapsulates content; a certs-only answer encapsulates none');
  }
  const choices = signedData.certificates ?? [];
  if (choices.length === 0) throw refuse('holds no certificate');
  if (choices.length > MAX_CERTS_ONLY_CERTIFICATES) {
    throw refuse(`holds ${choices.length} certificates; the limit is ${MAX_CERTS_ONLY_CERTIFICATES}`);
  }
  return choices.map((choice, index) => {
    if (choice.certificate === undefined) throw refuse(`entry ${index} is not an X.509 certificate`);
    return new Uint8Array(AsnConvert.serialize(choice.certificate));
  });
}

/** No content, or an empty OCTET STRING (what @peculiar/x509 and some EST servers write). */
function isEmptyContent(content: EncapsulatedContent | undefined): boolean {
  if (content === undefined) return true;
  if (content.any !== undefined) return false;
  return content.single === undefined || content.single.byteLength === 0;
}

/** Encodes DER certificates as a certs-only SignedData (the offline CA's chain export, tests, fixtures). */
export function encodeCertsOnly(certificates: readonly Uint8Array[]): Uint8Array {
  const signedData = new SignedData({
    version: 1,
    encapContentInfo: new EncapsulatedContentInfo({ eContentType: DATA }),
    certificates: new CertificateSet(
      certificates.map(
        (der) => new CertificateChoices({ certificate: AsnConvert.parse(toArrayBuffer(der), Certificate) }),
      ),
    ),
  });
  const contentInfo = new ContentInfo({
    contentType: SIGNED_DATA,
    content: AsnConvert.serialize(signedData),
  });
  return new Uint8Array(AsnConvert.serialize(contentInfo));
}

/** Base64 with a line break every 64 characters, as openssl and RFC 7030's examples write it. */
export function toBase64Lines(der: Uint8Array): string {
  return `${Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '')}\n`;
}
