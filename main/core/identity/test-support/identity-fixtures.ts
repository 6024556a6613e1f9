import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { webcrypto } from 'node:crypto';
import type { CaSigningKey } from '../../ports/ca-signing-key';
import { CA_SIGNING_ALGORITHM, CA_SIGNING_KEY_HANDLE, caSigningCrypto } from '../ca-signing-crypto';
import type { DeviceFacts } from '../certificate-profile';
import type { DeviceIdentity } from '../device-identity';
import { toArrayBuffer } from '../der-bytes';
import { keyObjectCaSigningKey } from '../sealed-ca-signing-key';
import { createOfflineCaRequest, issueSubordinateCa } from '../subordinate-ca';
import { x509 } from '../x509';

const DAY_MS = 24 * 60 * 60 * 1000;
export const P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
export const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' } as const;

export type KeyPair = webcrypto.CryptoKeyPair;

export function generateP256(): Promise<KeyPair> {
  return globalThis.crypto.subtle.generateKey(P256, true, ['sign', 'verify']);
}

/** A CSR signed by `keys` (or, for a broken proof of possession, by `signWith` while naming `keys`' public key). */
export async function makeCsr(
  subject: string,
  keys: KeyPair,
  options: { extensions?: x509.Extension[]; attributes?: x509.Attribute[]; signWith?: KeyPair } = {},
): Promise<Uint8Array> {
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: subject,
    keys: { publicKey: keys.publicKey, privateKey: (options.signWith ?? keys).privateKey },
    signingAlgorithm: ECDSA_SHA256,
    ...(options.extensions === undefined ? {} : { extensions: options.extensions }),
    ...(options.attributes === undefined ? {} : { attributes: options.attributes }),
  });
  return new Uint8Array(csr.rawData);
}

/** A self-signed root that may have one CA below it (the fleet's offline root). */
export interface TestRoot {
  certificate: Uint8Array;
  key: CaSigningKey;
  privateKey: KeyObject;
}

export async function makeRoot(
  nowMs: number,
  subject = 'O=Fieldline, CN=Fieldline Offline Root',
): Promise<TestRoot> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const key = keyObjectCaSigningKey(privateKey, 'test root key');
  const crypto = caSigningCrypto(key);
  const publicKey = await globalThis.crypto.subtle.importKey(
    'spki',
    toArrayBuffer(key.publicKeySpki),
    P256,
    true,
    ['verify'],
  );
  const certificate = await x509.X509CertificateGenerator.create(
    {
      serialNumber: '01',
      subject,
      issuer: subject,
      notBefore: new Date(nowMs - DAY_MS),
      notAfter: new Date(nowMs + 3650 * DAY_MS),
      publicKey,
      signingKey: CA_SIGNING_KEY_HANDLE,
      signingAlgorithm: CA_SIGNING_ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(true, 1, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return { certificate: new Uint8Array(certificate.rawData), key, privateKey };
}

/** A station CA below `root`, its key `stationKey` (a token key in the PKCS#11 tests). */
export async function makeStationCa(
  root: TestRoot,
  stationKey: CaSigningKey,
  options: { nowMs: number; permitted?: string[]; validityDays?: number; subject?: string },
): Promise<Uint8Array> {
  const csrDer = await createOfflineCaRequest(
    stationKey,
    options.subject ?? 'O=Fieldline, OU=line-3, CN=Station line-3 offline CA',
  );
  return issueSubordinateCa({
    csrDer,
    rootCertificate: root.certificate,
    rootKey: root.key,
    permittedSubtrees: options.permitted ?? ['O=Fieldline, OU=line-3'],
    validityDays: options.validityDays ?? 30,
    nowMs: options.nowMs,
  });
}

/**
 * A device that keeps its key in memory and follows the identity contract (protocols.md §7): new key
 * and CSR on request (dropping the chain), install only for its key, read back what it holds. Hooks
 * let a test make it misbehave.
 */
export class FakeIdentityDevice implements DeviceIdentity {
  facts: DeviceFacts;
  keys: KeyPair | undefined;
  chain: Uint8Array[] | null = null;
  installs: Uint8Array[][] = [];
  /** Replaces the CSR the device answers (e.g. one for another key). */
  csrOverride: ((subject: string, keys: KeyPair) => Promise<Uint8Array>) | undefined;
  /** Replaces what a read after an install returns. */
  readBackOverride: ((chain: Uint8Array[]) => Uint8Array[]) | undefined;

  constructor(facts: Partial<DeviceFacts> = {}) {
    this.facts = { hardwareId: '00c0ffee', serialNumber: 'FL-0042', model: 'fieldline-lab', ...facts };
  }

  readIdentity(): Promise<DeviceFacts> {
    return Promise.resolve({ ...this.facts });
  }

  async generateKeyAndCsr(request: { subject: string }): Promise<Uint8Array> {
    this.keys = await generateP256();
    this.chain = null;
    return this.csrOverride
      ? this.csrOverride(request.subject, this.keys)
      : makeCsr(request.subject, this.keys);
  }

  async installChain(chain: readonly Uint8Array[]): Promise<void> {
    if (this.keys === undefined) throw new Error('NO_KEY');
    const leaf = new x509.X509Certificate(toArrayBuffer(chain[0]!));
    const spki = new Uint8Array(await globalThis.crypto.subtle.exportKey('spki', this.keys.publicKey));
    if (!Buffer.from(leaf.publicKey.rawData).equals(Buffer.from(spki))) throw new Error('KEY_MISMATCH');
    this.chain = chain.map((der) => new Uint8Array(der));
    this.installs.push(this.chain);
  }

  readInstalledChain(): Promise<Uint8Array[] | null> {
    if (this.chain === null) return Promise.resolve(null);
    return Promise.resolve(this.readBackOverride ? this.readBackOverride(this.chain) : this.chain);
  }

  /** Zeroize, as a wipe or a re-flash that erases credentials does. */
  zeroize(): void {
    this.keys = undefined;
    this.chain = null;
  }
}
