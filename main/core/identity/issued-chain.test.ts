import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { parseCertificateProfile } from './certificate-profile';
import { checkCertificateRequest, type CheckedCsr } from './csr-check';
import { assembleIssuedChain } from './issued-chain';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { CaSigningKey } from '../ports/ca-signing-key';
import { keyObjectCaSigningKey } from './sealed-ca-signing-key';
import {
  ECDSA_SHA256,
  generateP256,
  makeCsr,
  makeRoot,
  makeStationCa,
  type KeyPair,
  type TestRoot,
} from './test-support/identity-fixtures';
import { sha256Hex } from './der-bytes';
import { x509 } from './x509';

const NOW = Date.now();
const DAY_MS = 86_400_000;
const SUBJECT = 'O=Fieldline, OU=line-3, CN=FL-0042';
const profile = parseCertificateProfile({
  subject: { organization: 'Fieldline', organizationalUnit: 'line-3' },
});

let root: TestRoot;
let stationCa: Uint8Array;
let stationKey: CaSigningKey & { privateKey: KeyObject };
let csr: CheckedCsr;

async function issue(
  options: {
    publicKey?: KeyPair['publicKey'];
    subject?: string;
    isCa?: boolean;
    notAfterMs?: number;
    signer?: 'station' | 'root';
  } = {},
) {
  const ca = new x509.X509Certificate(options.signer === 'root' ? root.certificate : stationCa);
  const signingKey = options.signer === 'root' ? root.privateKey : stationKey.privateKey;
  const webKey = await crypto.subtle.importKey(
    'pkcs8',
    signingKey.export({ type: 'pkcs8', format: 'der' }),
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['sign'],
  );
  const publicKey =
    options.publicKey ??
    (await crypto.subtle.importKey(
      'spki',
      Buffer.from(csr.publicKeySpki),
      { name: 'ECDSA', namedCurve: 'P-256' },
      true,
      ['verify'],
    ));
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: '7f01',
    subject: options.subject ?? SUBJECT,
    issuer: ca.subjectName,
    notBefore: new Date(NOW - DAY_MS),
    notAfter: new Date(options.notAfterMs ?? NOW + 10 * DAY_MS),
    publicKey,
    signingKey: webKey,
    signingAlgorithm: ECDSA_SHA256,
    extensions: [new x509.BasicConstraintsExtension(options.isCa === true, undefined, true)],
  });
  return new Uint8Array(certificate.rawData);
}

beforeAll(async () => {
  root = await makeRoot(NOW);
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  stationKey = Object.assign(keyObjectCaSigningKey(privateKey, 'station key'), { privateKey });
  stationCa = await makeStationCa(root, stationKey, { nowMs: NOW });
  const keys = await generateP256();
  csr = checkCertificateRequest(await makeCsr(SUBJECT, keys), { profile, expectedSubject: SUBJECT });
});

async function refusal(run: () => Promise<unknown>): Promise<AppError> {
  const error: unknown = await run().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe('ISSUED_CERTIFICATE_INVALID');
  return error as AppError;
}

describe('assembleIssuedChain', () => {
  it('finds the leaf for the CSR key and orders the chain up to the root, whatever order the issuer used', async () => {
    const leaf = await issue();
    const result = await assembleIssuedChain(
      { certificates: [root.certificate, leaf], caCertificates: [stationCa] },
      csr,
      { profile, nowMs: NOW },
    );
    expect(result.chain.map((der) => sha256Hex(der))).toEqual(
      [leaf, stationCa, root.certificate].map((der) => sha256Hex(der)),
    );
    expect(result.leaf.subject).toBe(SUBJECT);
    expect(result.root.fingerprintSha256).toBe(sha256Hex(root.certificate));
  });

  it('refuses a certificate for another key', async () => {
    const other = await generateP256();
    const leaf = await issue({ publicKey: other.publicKey });
    expect(
      (
        await refusal(() =>
          assembleIssuedChain({ certificates: [leaf], caCertificates: [stationCa, root.certificate] }, csr, {
            profile,
            nowMs: NOW,
          }),
        )
      ).message,
    ).toMatch(/certificate for another key/);
  });

  it('refuses another common name, a CA leaf, an expired leaf, a broken chain and an untrusted root', async () => {
    const options = { profile, nowMs: NOW };
    const cas = [stationCa, root.certificate];
    expect(
      (
        await refusal(async () =>
          assembleIssuedChain(
            { certificates: [await issue({ subject: 'CN=FL-9999' })], caCertificates: cas },
            csr,
            options,
          ),
        )
      ).message,
    ).toMatch(/common name is "FL-0042"/);
    expect(
      (
        await refusal(async () =>
          assembleIssuedChain(
            { certificates: [await issue({ isCa: true })], caCertificates: cas },
            csr,
            options,
          ),
        )
      ).message,
    ).toMatch(/must not be a CA/);
    expect(
      (
        await refusal(async () =>
          assembleIssuedChain(
            { certificates: [await issue({ notAfterMs: NOW - 1000 })], caCertificates: cas },
            csr,
            options,
          ),
        )
      ).message,
    ).toMatch(/expired/);
    expect(
      (
        await refusal(async () =>
          assembleIssuedChain(
            { certificates: [await issue()], caCertificates: [root.certificate] },
            csr,
            options,
          ),
        )
      ).message,
    ).toMatch(/cannot be completed/);
    const strict = { ...options, profile: { ...profile, trustedRootSha256: ['0'.repeat(64)] } };
    expect(
      (
        await refusal(async () =>
          assembleIssuedChain({ certificates: [await issue()], caCertificates: cas }, csr, strict),
        )
      ).message,
    ).toMatch(/not one of the profile's trusted roots/);
    const exact = { ...options, profile: { ...profile, issuedSubject: 'exact' as const } };
    expect(
      (
        await refusal(async () =>
          assembleIssuedChain(
            { certificates: [await issue({ subject: 'CN=FL-0042' })], caCertificates: cas },
            csr,
            exact,
          ),
        )
      ).message,
    ).toMatch(/CSR asked for/);
  });

  it('refuses bytes that are not a certificate', async () => {
    expect(
      (
        await refusal(() =>
          assembleIssuedChain(
            { certificates: [new Uint8Array([0x30, 0x03, 1, 2, 3])], caCertificates: [] },
            csr,
            { profile, nowMs: NOW },
          ),
        )
      ).message,
    ).toMatch(/not an X.509 certificate/);
  });
});
