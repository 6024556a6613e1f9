import { createPublicKey, verify } from 'node:crypto';
import { CertificationRequest } from '@peculiar/asn1-csr';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Extensions } from '@peculiar/asn1-x509';
import { AppError } from '../../../shared/errors';
import { CSR_EXTENSION_OIDS, type CertificateProfile } from './certificate-profile';
import { bytesEqual, sha256Hex, toArrayBuffer } from './der-bytes';
import { describeOid } from './oid-names';
import { x509 } from './x509';

/** A P-256 CSR is a few hundred bytes; anything near this is not one. */
export const MAX_CSR_BYTES = 16 * 1024;
const EXTENSION_REQUEST = '1.2.840.113549.1.9.14';

/** Per key algorithm of a profile: the SPKI algorithm and curve, and the signature algorithms accepted. */
const KEY_ALGORITHMS = {
  p256: {
    spkiAlgorithm: '1.2.840.10045.2.1',
    curveParametersHex: '06082a8648ce3d030107',
    curveName: 'P-256',
    signatureAlgorithms: { '1.2.840.10045.4.3.2': 'sha256' },
  },
} as const;

/** A CSR that passed every check, with what the rest of enrollment needs from it. */
export interface CheckedCsr {
  der: Uint8Array;
  /** @peculiar/x509 notation, DER order: `O=Fieldline, CN=FL-0042`. */
  subject: string;
  commonName: string;
  /** SubjectPublicKeyInfo DER: the device's new public key. */
  publicKeySpki: Uint8Array;
  publicKeySha256: string;
  keyAlgorithm: CertificateProfile['keyAlgorithm'];
}

export interface CsrExpectations {
  profile: CertificateProfile;
  /** The subject the device was asked for. */
  expectedSubject: string;
  /** Keys the CSR must not carry (SPKI DER): the key of the certificate being replaced. */
  retiredKeys?: readonly Uint8Array[];
}

function refuse(message: string, details?: Record<string, unknown>, cause?: unknown): AppError {
  return new AppError('CSR_INVALID', `the device's certificate request ${message}`, {
    ...(details === undefined ? {} : { details }),
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * Checks a CSR the device generated against the recipe's certificate profile before anything is sent
 * to an issuer (quality.md, "Enrollment"): strict DER, PKCS#10 v1, the profile's key algorithm and
 * curve, a signature that verifies with the CSR's own key (proof of possession), exactly the subject
 * that was asked for, no attribute but an extension request, and no extension the profile does not
 * allow. Every refusal is CSR_INVALID naming what was wrong.
 */
export function checkCertificateRequest(der: Uint8Array, expectations: CsrExpectations): CheckedCsr {
  const request = parseStrictDer(der);
  const info = request.certificationRequestInfo;
  if (info.version !== 0) throw refuse(`has version ${info.version + 1}; PKCS#10 defines only version 1`);
  const { profile } = expectations;
  const algorithm = KEY_ALGORITHMS[profile.keyAlgorithm];
  const publicKeySpki = new Uint8Array(AsnConvert.serialize(info.subjectPKInfo));
  checkKeyAlgorithm(info.subjectPKInfo.algorithm, algorithm, profile.keyAlgorithm);
  const hash = checkSignatureAlgorithm(request, algorithm);
  checkProofOfPossession(request, publicKeySpki, hash, algorithm.curveName);
  const subjectName = new x509.Name(AsnConvert.serialize(info.subject));
  checkSubject(subjectName, expectations.expectedSubject);
  checkAttributes(info.attributes ?? [], profile);
  for (const retired of expectations.retiredKeys ?? []) {
    if (bytesEqual(retired, publicKeySpki)) {
      throw refuse(
        'carries the key of the certificate it replaces: the device did not generate a new key pair',
      );
    }
  }
  const commonNames = subjectName.getField('CN');
  return {
    der: new Uint8Array(der),
    subject: subjectName.toString(),
    commonName: commonNames[0] ?? '',
    publicKeySpki,
    publicKeySha256: sha256Hex(publicKeySpki),
    keyAlgorithm: profile.keyAlgorithm,
  };
}

/** Parses PKCS#10 and insists that re-encoding gives the same bytes: no trailing data, no BER. */
function parseStrictDer(der: Uint8Array): CertificationRequest {
  if (der.length === 0) throw refuse('is empty');
  if (der.length > MAX_CSR_BYTES) throw refuse(`is ${der.length} bytes; the limit is ${MAX_CSR_BYTES}`);
  let request: CertificationRequest;
  try {
    request = AsnConvert.parse(toArrayBuffer(der), CertificationRequest);
  } catch (error: unknown) {
    throw refuse('is not a PKCS#10 structure (DER)', undefined, error);
  }
  let reencoded: ArrayBuffer;
  try {
    reencoded = AsnConvert.serialize(request);
  } catch (error: unknown) {
    throw refuse('holds values that cannot be encoded again', undefined, error);
  }
  if (!bytesEqual(reencoded, der)) {
    throw refuse('is not canonical DER (trailing bytes or a non-minimal encoding)', {
      sizeBytes: der.length,
      canonicalSizeBytes: reencoded.byteLength,
    });
  }
  return request;
}

function checkKeyAlgorithm(
  spkiAlgorithm: { algorithm: string; parameters?: ArrayBuffer | null },
  expected: (typeof KEY_ALGORITHMS)[keyof typeof KEY_ALGORITHMS],
  profileName: string,
): void {
  const parameters = spkiAlgorithm.parameters;
  const curveHex = parameters instanceof ArrayBuffer ? Buffer.from(parameters).toString('hex') : '';
  if (spkiAlgorithm.algorithm !== expected.spkiAlgorithm) {
    throw refuse(
      `has a ${describeOid(spkiAlgorithm.algorithm)} key; the profile requires ${expected.curveName} (${profileName})`,
      { keyAlgorithm: spkiAlgorithm.algorithm },
    );
  }
  if (curveHex !== expected.curveParametersHex) {
    const curveOid = curveHex.startsWith('06') ? decodeOidHex(curveHex) : curveHex;
    throw refuse(
      `has an EC key on curve ${describeOid(curveOid)}; the profile requires ${expected.curveName}`,
      {
        curve: curveOid,
      },
    );
  }
}

function checkSignatureAlgorithm(
  request: CertificationRequest,
  expected: (typeof KEY_ALGORITHMS)[keyof typeof KEY_ALGORITHMS],
): string {
  const { algorithm, parameters } = request.signatureAlgorithm;
  const hash = (expected.signatureAlgorithms as Readonly<Record<string, string>>)[algorithm];
  if (hash === undefined) {
    throw refuse(
      `is signed with ${describeOid(algorithm)}; the profile accepts ${Object.keys(expected.signatureAlgorithms).map(describeOid).join(', ')}`,
      {
        signatureAlgorithm: algorithm,
      },
    );
  }
  // RFC 5758 §3.2: ECDSA signature algorithm identifiers have no parameters.
  if (parameters !== undefined && parameters !== null)
    throw refuse('has parameters on its ECDSA signature algorithm');
  return hash;
}

function checkProofOfPossession(
  request: CertificationRequest,
  publicKeySpki: Uint8Array,
  hash: string,
  curveName: string,
): void {
  let key;
  try {
    key = createPublicKey({ key: Buffer.from(publicKeySpki), format: 'der', type: 'spki' });
  } catch (error: unknown) {
    throw refuse(`has a public key that is not a valid ${curveName} point`, undefined, error);
  }
  const signedBytes =
    request.certificationRequestInfoRaw ?? AsnConvert.serialize(request.certificationRequestInfo);
  let isValid: boolean;
  try {
    isValid = verify(
      hash,
      new Uint8Array(signedBytes),
      { key, dsaEncoding: 'der' },
      new Uint8Array(request.signature),
    );
  } catch {
    isValid = false;
  }
  if (!isValid) {
    throw refuse('signature does not verify with its own public key: no proof that the device holds the key');
  }
}

function checkSubject(subject: x509.Name, expectedSubject: string): void {
  const expected = new x509.Name(expectedSubject);
  if (JSON.stringify(subject.toJSON()) !== JSON.stringify(expected.toJSON())) {
    throw refuse(`names "${subject.toString()}"; the device was asked for "${expected.toString()}"`, {
      subject: subject.toString(),
      expected: expected.toString(),
    });
  }
  if (subject.getField('CN').length !== 1) throw refuse('subject must hold exactly one common name (CN)');
}

function checkAttributes(
  attributes: readonly { type: string; values: ArrayBuffer[] }[],
  profile: CertificateProfile,
): void {
  const allowed = new Map<string, string>(
    profile.csrExtensions.map((name) => [CSR_EXTENSION_OIDS[name], name]),
  );
  const seen = new Set<string>();
  for (const attribute of attributes) {
    if (attribute.type !== EXTENSION_REQUEST) {
      throw refuse(`carries an unexpected attribute ${describeOid(attribute.type)}`, {
        attribute: attribute.type,
      });
    }
    if (attribute.values.length !== 1 || seen.has(attribute.type)) {
      throw refuse('carries more than one extension request');
    }
    seen.add(attribute.type);
    const value = attribute.values[0]!;
    let extensions: Extensions;
    try {
      extensions = AsnConvert.parse(value, Extensions);
    } catch (error: unknown) {
      throw refuse('has an extension request that does not parse', undefined, error);
    }
    const requested = new Set<string>();
    for (const extension of extensions) {
      if (requested.has(extension.extnID))
        throw refuse(`requests extension ${describeOid(extension.extnID)} twice`);
      requested.add(extension.extnID);
      if (!allowed.has(extension.extnID)) {
        const permitted = profile.csrExtensions.length === 0 ? 'none' : profile.csrExtensions.join(', ');
        throw refuse(
          `requests an unexpected extension ${describeOid(extension.extnID)}; the profile allows ${permitted}`,
          {
            extension: extension.extnID,
          },
        );
      }
    }
  }
}

/** Decodes a DER OBJECT IDENTIFIER given as hex (tag 06 included), for error messages only. */
function decodeOidHex(hex: string): string {
  const bytes = Buffer.from(hex, 'hex').subarray(2);
  if (bytes.length === 0) return hex;
  const parts: number[] = [Math.floor(bytes[0]! / 40), bytes[0]! % 40];
  let value = 0;
  for (const byte of bytes.subarray(1)) {
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}
