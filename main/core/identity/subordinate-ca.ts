import { randomBytes } from 'node:crypto';
import type { CaSigningKey } from '../ports/ca-signing-key';
import { CA_SIGNING_ALGORITHM, CA_SIGNING_KEY_HANDLE, caSigningCrypto } from './ca-signing-crypto';
import { parseCertificate } from './certificate-facts';
import { toArrayBuffer } from './der-bytes';
import { directoryNameConstraintsExtension } from './name-constraints';
import { x509 } from './x509';

const DAY_MS = 24 * 60 * 60 * 1000;
const P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/**
 * The CSR for a station's offline CA, signed inside the token (or vault) that holds its key: what the
 * station hands the fleet administrator, who signs it with the offline root (`issueSubordinateCa`).
 */
export async function createOfflineCaRequest(key: CaSigningKey, subject: string): Promise<Uint8Array> {
  const crypto = caSigningCrypto(key);
  const publicKey = await globalThis.crypto.subtle.importKey(
    'spki',
    toArrayBuffer(key.publicKeySpki),
    P256,
    true,
    ['verify'],
  );
  const request = await x509.Pkcs10CertificateRequestGenerator.create(
    {
      name: subject,
      keys: { publicKey, privateKey: CA_SIGNING_KEY_HANDLE },
      signingAlgorithm: CA_SIGNING_ALGORITHM,
    },
    crypto,
  );
  return new Uint8Array(request.rawData);
}

export interface SubordinateCaRequest {
  /** The station CA's CSR (DER); its signature must verify. */
  csrDer: Uint8Array;
  /** The offline root: its certificate (DER) and key. */
  rootCertificate: Uint8Array;
  rootKey: CaSigningKey;
  /** Directory-name subtrees the station may certify, e.g. `O=Fieldline, OU=line-3`. */
  permittedSubtrees: string[];
  validityDays: number;
  nowMs: number;
}

/**
 * Signs a station's offline CA: path length 0 (device certificates only), keyCertSign, critical name
 * constraints, short validity. The fleet administrator's side of the ceremony; tests use it too.
 */
export async function issueSubordinateCa(request: SubordinateCaRequest): Promise<Uint8Array> {
  const csr = new x509.Pkcs10CertificateRequest(toArrayBuffer(request.csrDer));
  if (!(await csr.verify())) throw new TypeError('the offline CA request signature does not verify');
  const root = parseCertificate(
    request.rootCertificate,
    'OFFLINE_CA_UNUSABLE',
    'the offline root certificate',
  );
  const crypto = caSigningCrypto(request.rootKey);
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x40;
  const certificate = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serial.toString('hex'),
      subject: csr.subjectName,
      issuer: root.subjectName,
      notBefore: new Date(request.nowMs - 5 * 60 * 1000),
      notAfter: new Date(request.nowMs + request.validityDays * DAY_MS),
      publicKey: csr.publicKey,
      signingKey: CA_SIGNING_KEY_HANDLE,
      signingAlgorithm: CA_SIGNING_ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        directoryNameConstraintsExtension(request.permittedSubtrees),
        await x509.SubjectKeyIdentifierExtension.create(csr.publicKey, false, crypto),
        await x509.AuthorityKeyIdentifierExtension.create(root, false, crypto),
      ],
    },
    crypto,
  );
  return new Uint8Array(certificate.rawData);
}
